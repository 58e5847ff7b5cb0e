<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name></name>
    <message>
        <location filename="../../app/ui/application.py" line="108"/>
        <source>Settings problem</source>
        <translation>设置有问题</translation>
    </message>
    <message>
        <location filename="../../app/ui/application.py" line="208"/>
        <source>The app is shutting down.</source>
        <translation>应用正在退出。</translation>
    </message>
    <message>
        <location filename="../../app/ui/application.py" line="210"/>
        <source>No AccessKey is saved yet. Open Settings and enter your AccessKey ID and secret.</source>
        <translation>尚未保存 AccessKey。请打开设置，输入 AccessKey ID 和 AccessKey Secret。</translation>
    </message>
    <message>
        <location filename="../../app/ui/application.py" line="212"/>
        <source>The instance ID is not set. Open Settings and enter it (ask IT if unsure).</source>
        <translation>尚未设置实例 ID。请打开设置并填写（如不确定，请咨询 IT 部门）。</translation>
    </message>
    <message>
        <location filename="../../app/ui/application.py" line="221"/>
        <source>Enter the AccessKey secret.</source>
        <translation>请输入 AccessKey Secret。</translation>
    </message>
    <message>
        <location filename="../../app/ui/application.py" line="278"/>
        <source>Your settings could not be saved ({reason}). Check that your home folder is writable.</source>
        <translation>无法保存设置（{reason}）。请检查您的主目录是否可写。</translation>
    </message>
    <message>
        <location filename="../../app/ui/application.py" line="289"/>
        <source>AccessKey kept for this session only</source>
        <translation>AccessKey 仅在本次会话中保留</translation>
    </message>
    <message>
        <location filename="../../app/ui/application.py" line="297"/>
        <location filename="../../app/ui/application.py" line="299"/>
        <source>Launch at login could not be changed</source>
        <translation>无法更改“登录时启动”设置</translation>
    </message>
    <message>
        <location filename="../../app/ui/controller.py" line="109"/>
        <source>take a break</source>
        <translation>小休</translation>
    </message>
    <message>
        <location filename="../../app/ui/controller.py" line="112"/>
        <source>become ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <location filename="../../app/ui/controller.py" line="116"/>
        <source>Waiting for the contact centre to answer…</source>
        <translation>正在等待联络中心响应…</translation>
    </message>
    <message>
        <location filename="../../app/ui/controller.py" line="122"/>
        <source>You cannot {what} while {state}.</source>
        <translation>当前状态为 {state}，无法{what}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/controller.py" line="236"/>
        <source>Break is over time</source>
        <translation>小休已超时</translation>
    </message>
    <message>
        <location filename="../../app/ui/controller.py" line="237"/>
        <source>Your {code} break has passed {minutes} minutes.</source>
        <translation>您的“{code}”小休已超过 {minutes} 分钟。</translation>
    </message>
    <message>
        <location filename="../../app/ui/controller.py" line="241"/>
        <source>Your state changed</source>
        <translation>您的状态已变更</translation>
    </message>
    <message>
        <location filename="../../app/ui/controller.py" line="242"/>
        <source>You are now {state}</source>
        <translation>您当前的状态为 {state}</translation>
    </message>
    <message>
        <location filename="../../app/ui/controller.py" line="245"/>
        <source>, changed outside this app.</source>
        <translation>，此变更并非通过本应用进行。</translation>
    </message>
    <message>
        <location filename="../../app/ui/icons.py" line="22"/>
        <location filename="../../app/ui/tray.py" line="118"/>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <location filename="../../app/ui/icons.py" line="23"/>
        <source>On break</source>
        <translation>小休中</translation>
    </message>
    <message>
        <location filename="../../app/ui/icons.py" line="24"/>
        <source>After-call work</source>
        <translation>话后处理</translation>
    </message>
    <message>
        <location filename="../../app/ui/icons.py" line="25"/>
        <source>Dialling</source>
        <translation>外呼中</translation>
    </message>
    <message>
        <location filename="../../app/ui/icons.py" line="26"/>
        <source>Ringing</source>
        <translation>振铃中</translation>
    </message>
    <message>
        <location filename="../../app/ui/icons.py" line="27"/>
        <source>On a call</source>
        <translation>通话中</translation>
    </message>
    <message>
        <location filename="../../app/ui/icons.py" line="28"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../app/ui/icons.py" line="29"/>
        <source>Not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="33"/>
        <source>{n} s ago</source>
        <translation>{n} 秒前</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="35"/>
        <source>{n} min ago</source>
        <translation>{n} 分钟前</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="36"/>
        <source>{h} h {m} min ago</source>
        <translation>{h} 小时 {m} 分钟前</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="65"/>
        <source> (demo)</source>
        <translation> (演示)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="85"/>
        <source>Demo mode: connected to the built-in CCC simulator, not to Alibaba Cloud.</source>
        <translation>演示模式：当前连接的是内置的 CCC 模拟器，而非阿里云。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="111"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="115"/>
        <source>User state</source>
        <translation>坐席状态</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="116"/>
        <source>Extension</source>
        <translation>分机号</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="117"/>
        <source>Heartbeat</source>
        <translation>心跳</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="118"/>
        <source>Break code</source>
        <translation>小休代码</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="119"/>
        <source>Time in break</source>
        <translation>小休时长</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="120"/>
        <source>Work mode</source>
        <translation>工作模式</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="121"/>
        <source>Skill groups</source>
        <translation>技能组</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="122"/>
        <location filename="../../app/ui/settings_dialog.py" line="127"/>
        <source>Device ID</source>
        <translation>设备 ID</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="123"/>
        <source>Last refreshed</source>
        <translation>最近刷新</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="134"/>
        <source>Break &amp;code:</source>
        <translation>小休代码(&amp;C)：</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="143"/>
        <source>Take &amp;Break</source>
        <translation>小休(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="145"/>
        <source>&amp;Ready</source>
        <translation>就绪(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="173"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="175"/>
        <source>Copy the message and RequestId, to send to IT</source>
        <translation>复制错误信息和 RequestId，以便发送给 IT 部门</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="177"/>
        <source>Open Settings…</source>
        <translation>打开设置…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="179"/>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="191"/>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="224"/>
        <source> (may be out of date)</source>
        <translation> (可能已过时)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="255"/>
        <source> (limit {n} min)</source>
        <translation> (上限 {n} 分钟)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="263"/>
        <source> — may be out of date</source>
        <translation> — 可能已过时</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="277"/>
        <source>Shortcut: {keys}</source>
        <translation>快捷键：{keys}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="280"/>
        <source>No break codes are set up. Add them in Settings.</source>
        <translation>尚未配置小休代码，请在设置中添加。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="291"/>
        <location filename="../../app/ui/settings_dialog.py" line="405"/>
        <source>RequestId: {id}</source>
        <translation>RequestId：{id}</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="45"/>
        <source>Managed by your organisation</source>
        <translation>由您的组织统一管理</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="76"/>
        <source>CCC Break Settings</source>
        <translation>CCC Break 设置</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="98"/>
        <source>optional, e.g. https://ccc.cn-shanghai.aliyuncs.com</source>
        <translation>可选，例如 https://ccc.cn-shanghai.aliyuncs.com</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="102"/>
        <source>optional, completes a bare name</source>
        <translation>可选，用于补全未带域名的坐席 ID</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="106"/>
        <source>V3 (ACS3-HMAC-SHA256, recommended)</source>
        <translation>V3（ACS3-HMAC-SHA256，推荐）</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="107"/>
        <source>V2 (HMAC-SHA1)</source>
        <translation>V2（HMAC-SHA1）</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="113"/>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="117"/>
        <source>Start CCC Break when I log in</source>
        <translation>登录系统时自动启动 CCC Break</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="122"/>
        <source>Region</source>
        <translation>地域</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="123"/>
        <source>Endpoint</source>
        <translation>服务接入点</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="124"/>
        <source>Instance ID</source>
        <translation>实例 ID</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="125"/>
        <source>User ID</source>
        <translation>坐席 ID</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="126"/>
        <source>User domain</source>
        <translation>坐席域名</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="128"/>
        <source>Signature</source>
        <translation>签名方式</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="129"/>
        <source>Check status every</source>
        <translation>状态检查间隔</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="133"/>
        <source>Connection</source>
        <translation>连接</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="145"/>
        <location filename="../../app/ui/settings_dialog.py" line="152"/>
        <source>saved — type to replace</source>
        <translation>已保存，输入新值即可替换</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="145"/>
        <location filename="../../app/ui/settings_dialog.py" line="155"/>
        <source>AccessKey secret</source>
        <translation>AccessKey Secret</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="152"/>
        <source>optional, for STS credentials</source>
        <translation>可选，用于 STS 临时凭证</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="154"/>
        <source>AccessKey ID</source>
        <translation>AccessKey ID</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="156"/>
        <source>STS token</source>
        <translation>STS Token</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="157"/>
        <source>Stored in: {backend}</source>
        <translation>存储位置：{backend}</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="164"/>
        <source>AccessKey</source>
        <translation>AccessKey</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="170"/>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="170"/>
        <source>Label</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="170"/>
        <source>Max minutes</source>
        <translation>时长上限（分钟）</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="180"/>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="181"/>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="182"/>
        <source>Move up</source>
        <translation>上移</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="183"/>
        <source>Move down</source>
        <translation>下移</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="192"/>
        <source>Break codes</source>
        <translation>小休代码</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="194"/>
        <source>&amp;Test connection</source>
        <translation>测试连接(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="302"/>
        <source>Row {n}: max minutes must be a whole number above 0, or empty.</source>
        <translation>第 {n} 行：时长上限必须是大于 0 的整数，或留空。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="340"/>
        <source>User ID must look like name@domain, e.g. user-test@ccc-test.</source>
        <translation>坐席 ID 的格式应为 name@domain，例如 user-test@ccc-test。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="342"/>
        <source>Check status at most every {n} s.</source>
        <translation>状态检查间隔不能短于 {n} 秒。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="352"/>
        <source>Enter the AccessKey ID that belongs to this secret.</source>
        <translation>请输入与此 AccessKey Secret 对应的 AccessKey ID。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="354"/>
        <source>The secret has spaces at the start or end; check the paste.</source>
        <translation>AccessKey Secret 的开头或结尾有空格，请检查粘贴的内容。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="380"/>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="399"/>
        <source>Testing…</source>
        <translation>正在测试…</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="409"/>
        <source>Connected. UserState {state}, extension {ext}. RequestId: {id}</source>
        <translation>连接成功。坐席状态 {state}，分机号 {ext}。RequestId：{id}</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="423"/>
        <source>Something unexpected went wrong; your entries are kept.</source>
        <translation>发生意外错误，您填写的内容已保留。</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="93"/>
        <source>Code: {code}</source>
        <translation>小休代码：{code}</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="96"/>
        <source>On break for {time}</source>
        <translation>已小休 {time}</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="98"/>
        <source>May be out of date: the last refresh failed</source>
        <translation>可能已过时：上次刷新失败</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="111"/>
        <source>Take Break</source>
        <translation>小休</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="123"/>
        <source>Show/Hide Window</source>
        <translation>显示/隐藏窗口</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="124"/>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="126"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
</context>
</TS>
