<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name></name>
    <message>
        <location filename="../../app/ui/application.py" line="217"/>
        <source>Settings problem</source>
        <translation>设置有问题</translation>
    </message>
    <message>
        <location filename="../../app/ui/application.py" line="223"/>
        <source>Waiting for the system tray</source>
        <translation>正在等待系统托盘</translation>
    </message>
    <message>
        <location filename="../../app/ui/application.py" line="224"/>
        <source>CCC Break moves to the tray as soon as the panel is there. Until then, use it here.</source>
        <translation>面板出现后，CCC Break 会自动移到托盘。在此之前，请在这里使用。</translation>
    </message>
    <message>
        <location filename="../../app/ui/application.py" line="323"/>
        <source>CCC Break is not set up yet</source>
        <translation>CCC Break 尚未设置</translation>
    </message>
    <message>
        <location filename="../../app/ui/application.py" line="323"/>
        <source>Enter what the welcome window asks for, and you are ready to go.</source>
        <translation>填写欢迎窗口中要求的内容，即可开始使用。</translation>
    </message>
    <message>
        <location filename="../../app/ui/application.py" line="437"/>
        <source>Your request did not go through</source>
        <translation>您的请求未成功</translation>
    </message>
    <message>
        <location filename="../../app/ui/application.py" line="468"/>
        <source>The app is shutting down.</source>
        <translation>应用正在退出。</translation>
    </message>
    <message>
        <location filename="../../app/ui/application.py" line="470"/>
        <source>No AccessKey is saved yet. Open Settings and enter your AccessKey ID and secret.</source>
        <translation>尚未保存 AccessKey。请打开设置，输入 AccessKey ID 和 AccessKey Secret。</translation>
    </message>
    <message>
        <location filename="../../app/ui/application.py" line="472"/>
        <source>The instance ID is not set. Open Settings and enter it (ask IT if unsure).</source>
        <translation>尚未设置实例 ID。请打开设置并填写（如不确定，请咨询 IT 部门）。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_flow.py" line="49"/>
        <source>Enter the AccessKey secret.</source>
        <translation>请输入 AccessKey Secret。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_flow.py" line="58"/>
        <source>The saved AccessKey cannot be read from the system keyring. Unlock the keyring, or type the AccessKey ID and secret again.</source>
        <translation>无法从系统密钥环读取已保存的 AccessKey。请解锁系统密钥环，或重新输入 AccessKey ID 和 AccessKey Secret。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_flow.py" line="120"/>
        <source>the system keyring</source>
        <translation>系统密钥环</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_flow.py" line="126"/>
        <source>The system keyring could not be checked ({reason}).</source>
        <translation>无法检查系统密钥环（{reason}）。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_flow.py" line="147"/>
        <source>Settings could not be opened</source>
        <translation>无法打开设置</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_flow.py" line="148"/>
        <source>Something unexpected went wrong. Try again; the log file has the details.</source>
        <translation>发生意外错误。请重试；详细信息见日志文件。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_flow.py" line="191"/>
        <source>Your settings could not be saved ({reason}). Check that your home folder is writable.</source>
        <translation>无法保存设置（{reason}）。请检查您的主目录是否可写。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_flow.py" line="205"/>
        <source>AccessKey kept for this session only</source>
        <translation>AccessKey 仅在本次会话中保留</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_flow.py" line="213"/>
        <source>The system keyring is locked, so your AccessKey is kept only until you quit. Unlock the keyring, then save the AccessKey again in Settings to keep it.</source>
        <translation>系统密钥环已锁定，因此您的 AccessKey 仅保留到退出应用为止。请解锁系统密钥环，然后在设置中重新保存 AccessKey 以长期保留。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_flow.py" line="218"/>
        <source>No system keyring is available, so your AccessKey is kept only until you quit. It is never written to a file.</source>
        <translation>没有可用的系统密钥环，因此您的 AccessKey 仅保留到退出应用为止，且绝不会写入文件。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_flow.py" line="221"/>
        <source>The system keyring did not accept your AccessKey, so it is kept only until you quit.</source>
        <translation>系统密钥环未接受您的 AccessKey，因此它仅保留到退出应用为止。</translation>
    </message>
    <message>
        <location filename="../../app/ui/application.py" line="482"/>
        <location filename="../../app/ui/application.py" line="484"/>
        <source>Launch at login could not be changed</source>
        <translation>无法更改“登录时启动”设置</translation>
    </message>
    <message>
        <location filename="../../app/ui/application.py" line="552"/>
        <source>CCC Break may be running twice</source>
        <translation>CCC Break 可能同时运行了两个</translation>
    </message>
    <message>
        <location filename="../../app/ui/controller.py" line="200"/>
        <source>Waiting for the contact centre to answer…</source>
        <translation>正在等待联络中心响应…</translation>
    </message>
    <message>
        <location filename="../../app/ui/controller.py" line="203"/>
        <source>You are signed out of the contact centre. Sign in to the workbench first.</source>
        <translation>您已从联络中心签出。请先登录工作台。</translation>
    </message>
    <message>
        <location filename="../../app/ui/controller.py" line="435"/>
        <source>Your {code} break was not taken: you were signed out of the contact centre.</source>
        <translation>未能开始{code}：您已从联络中心签出。</translation>
    </message>
    <message>
        <location filename="../../app/ui/controller.py" line="437"/>
        <source>Your {code} break was not taken: you were put on a break outside this app.</source>
        <translation>未能开始{code}：您已在本应用之外被设为小休。</translation>
    </message>
    <message>
        <location filename="../../app/ui/controller.py" line="440"/>
        <source>Break after the call cancelled</source>
        <translation>通话后小休已取消</translation>
    </message>
    <message>
        <location filename="../../app/ui/controller.py" line="454"/>
        <source>Break after the call not taken</source>
        <translation>通话后小休未能开始</translation>
    </message>
    <message>
        <location filename="../../app/ui/controller.py" line="455"/>
        <source>Your {code} break could not be taken: {why}</source>
        <translation>未能开始{code}：{why}</translation>
    </message>
    <message>
        <location filename="../../app/ui/controller.py" line="534"/>
        <source>Break is over time</source>
        <translation>小休已超时</translation>
    </message>
    <message>
        <location filename="../../app/ui/controller.py" line="531"/>
        <source>Break ends soon</source>
        <translation>小休即将结束</translation>
    </message>
    <message>
        <location filename="../../app/ui/controller.py" line="49"/>
        <source>Missed call</source>
        <translation>未接来电</translation>
    </message>
    <message>
        <location filename="../../app/ui/controller.py" line="50"/>
        <source>Rejected call</source>
        <translation>拒接来电</translation>
    </message>
    <message>
        <location filename="../../app/ui/controller.py" line="532"/>
        <source>Your {code} break ends in {time}.</source>
        <translation>您的{code}小休将在 {time} 后结束。</translation>
    </message>
    <message>
        <location filename="../../app/ui/controller.py" line="535"/>
        <source>Your {code} break has passed {time}. Click Ready when you are back.</source>
        <translation>您的{code}小休已超过 {time}。回来后请点击“就绪”。</translation>
    </message>
    <message>
        <location filename="../../app/ui/controller.py" line="540"/>
        <source>Still on break</source>
        <translation>仍在小休</translation>
    </message>
    <message>
        <location filename="../../app/ui/controller.py" line="541"/>
        <source>Your {code} break is {time} over. Click Ready when you are back.</source>
        <translation>您的{code}小休已超时 {time}。回来后请点击“就绪”。</translation>
    </message>
    <message>
        <location filename="../../app/ui/controller.py" line="545"/>
        <source>Set to Ready</source>
        <translation>已设为就绪</translation>
    </message>
    <message>
        <location filename="../../app/ui/controller.py" line="547"/>
        <source>Your {code} break ran {time} over, so you were set to Ready, as your organisation asks. Take a new break if you are not back.</source>
        <translation>您的{code}已超时 {time}，按照贵单位的规定，您已被设为就绪。如果您还没有回来，请重新小休。</translation>
    </message>
    <message>
        <location filename="../../app/ui/controller.py" line="551"/>
        <source>You were put on a break</source>
        <translation>系统已将您置为小休</translation>
    </message>
    <message>
        <location filename="../../app/ui/controller.py" line="553"/>
        <source>A call rang unanswered, so the system put you on a break. Click Ready to take calls again.</source>
        <translation>有来电振铃后未接听，系统已将您置为小休。点击“就绪”即可重新接听电话。</translation>
    </message>
    <message>
        <location filename="../../app/ui/controller.py" line="555"/>
        <source>A call was rejected, so the system put you on a break. Click Ready to take calls again.</source>
        <translation>有来电被拒接，系统已将您置为小休。点击“就绪”即可重新接听电话。</translation>
    </message>
    <message>
        <location filename="../../app/ui/controller.py" line="557"/>
        <source>Your state changed</source>
        <translation>您的状态已变更</translation>
    </message>
    <message>
        <location filename="../../app/ui/controller.py" line="559"/>
        <source>You are now {state} ({code}): changed outside this app.</source>
        <translation>您现在为{state}（{code}）：此更改来自本应用之外。</translation>
    </message>
    <message>
        <location filename="../../app/ui/controller.py" line="563"/>
        <source>You are now {state}: changed outside this app.</source>
        <translation>您现在为{state}：此更改来自本应用之外。</translation>
    </message>
    <message>
        <location filename="../../app/ui/icons.py" line="23"/>
        <location filename="../../app/ui/main_window.py" line="704"/>
        <location filename="../../app/ui/tray.py" line="164"/>
        <location filename="../../app/ui/tray.py" line="185"/>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <location filename="../../app/ui/icons.py" line="24"/>
        <source>On break</source>
        <translation>小休中</translation>
    </message>
    <message>
        <location filename="../../app/ui/icons.py" line="25"/>
        <source>After-call work</source>
        <translation>话后处理</translation>
    </message>
    <message>
        <location filename="../../app/ui/icons.py" line="26"/>
        <source>Dialling</source>
        <translation>外呼中</translation>
    </message>
    <message>
        <location filename="../../app/ui/icons.py" line="27"/>
        <source>Ringing</source>
        <translation>振铃中</translation>
    </message>
    <message>
        <location filename="../../app/ui/icons.py" line="28"/>
        <source>On a call</source>
        <translation>通话中</translation>
    </message>
    <message>
        <location filename="../../app/ui/icons.py" line="29"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../app/ui/icons.py" line="30"/>
        <source>Not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <location filename="../../app/ui/icons.py" line="35"/>
        <source>Break over time</source>
        <translation>小休超时</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="64"/>
        <source>{n} s ago</source>
        <translation>{n} 秒前</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="66"/>
        <source>{n} min ago</source>
        <translation>{n} 分钟前</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="67"/>
        <source>{h} h {m} min ago</source>
        <translation>{h} 小时 {m} 分钟前</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="80"/>
        <location filename="../../app/ui/main_window.py" line="89"/>
        <source>{n} min</source>
        <translation>{n} 分钟</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="91"/>
        <source>{h} h</source>
        <translation>{h} 小时</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="92"/>
        <source>{h} h {m} min</source>
        <translation>{h} 小时 {m} 分钟</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/ui/main_window.py" line="97"/>
        <source>Breaks today: %n, {time}</source>
        <translation>
            <numerusform>今日小休：%n 次，共 {time}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/ui/main_window.py" line="102"/>
        <source>{code}: %n break(s), {time}</source>
        <translation>
            <numerusform>{code}：%n 次，共 {time}</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="109"/>
        <source>{line}; {left} left of {allowance}</source>
        <translation>{line}；{allowance} 额度还剩 {left}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="113"/>
        <source>{line}; {over} over the day&apos;s {allowance}</source>
        <translation>{line}；已超出每日 {allowance} 额度 {over}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="135"/>
        <source>Inbound call</source>
        <translation>呼入通话</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="135"/>
        <source>Outbound call</source>
        <translation>外呼通话</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="135"/>
        <source>Internal call</source>
        <translation>内部通话</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="136"/>
        <location filename="../../app/ui/main_window.py" line="255"/>
        <source>Call</source>
        <translation>通话</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="139"/>
        <source>{call} with {party}, since {time}</source>
        <translation>{call}，对方 {party}，开始于 {time}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="141"/>
        <source>{call} with {party}</source>
        <translation>{call}，对方 {party}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="143"/>
        <source>{call}, since {time}</source>
        <translation>{call}，开始于 {time}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="178"/>
        <source> (demo)</source>
        <translation> (演示)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="200"/>
        <source>Demo mode: connected to the built-in CCC simulator, not to Alibaba Cloud.</source>
        <translation>演示模式：当前连接的是内置的 CCC 模拟器，而非阿里云。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="236"/>
        <source>Ca&amp;ncel</source>
        <translation>取消(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="244"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="250"/>
        <source>User state</source>
        <translation>坐席状态</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="251"/>
        <source>Extension</source>
        <translation>分机号</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="252"/>
        <source>Heartbeat</source>
        <translation>心跳</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="253"/>
        <location filename="../../app/ui/main_window.py" line="705"/>
        <source>Break code</source>
        <translation>小休代码</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="254"/>
        <source>Time in break</source>
        <translation>小休时长</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="256"/>
        <source>Work mode</source>
        <translation>工作模式</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="257"/>
        <source>Skill groups</source>
        <translation>技能组</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="258"/>
        <location filename="../../app/ui/settings_dialog.py" line="151"/>
        <source>Device ID</source>
        <translation>设备 ID</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="259"/>
        <source>Last refreshed</source>
        <translation>最近刷新</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="281"/>
        <source>Today</source>
        <translation>今日</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="292"/>
        <source>Break &amp;code:</source>
        <translation>小休代码(&amp;C)：</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="301"/>
        <location filename="../../app/ui/main_window.py" line="563"/>
        <source>Take &amp;Break</source>
        <translation>小休(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="303"/>
        <source>&amp;Ready</source>
        <translation>就绪(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="333"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="335"/>
        <location filename="../../app/ui/main_window.py" line="706"/>
        <source>Copy the message and RequestId, to send to IT</source>
        <translation>复制错误信息和 RequestId，以便发送给 IT 部门</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="337"/>
        <source>Open Settings…</source>
        <translation>打开设置…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="339"/>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="355"/>
        <source>Compact</source>
        <translation>紧凑</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="360"/>
        <source>On top</source>
        <translation>置顶</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="372"/>
        <source>Ctrl+B break · Ctrl+R ready · F5 refresh · Ctrl+M compact · Ctrl+T on top · Esc to the tray</source>
        <translation>Ctrl+B 小休 · Ctrl+R 就绪 · F5 刷新 · Ctrl+M 紧凑 · Ctrl+T 置顶 · Esc 收到托盘</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="378"/>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="455"/>
        <source> (may be out of date)</source>
        <translation> (可能已过时)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="457"/>
        <source> (refreshing…)</source>
        <translation> (正在刷新…)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="470"/>
        <location filename="../../app/ui/tray.py" line="111"/>
        <source>{code} after this call</source>
        <translation>本次通话后：{code}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="126"/>
        <source>about {time}</source>
        <translation>约 {time}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="518"/>
        <source> (approx.)</source>
        <translation> (约)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="521"/>
        <source> (limit {n} min)</source>
        <translation> (上限 {n} 分钟)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="532"/>
        <source> — may be out of date</source>
        <translation> — 可能已过时</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="548"/>
        <source>Your state: {state}</source>
        <translation>您的状态：{state}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="560"/>
        <source>Take &amp;Break after this call</source>
        <translation>通话后小休(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="561"/>
        <source>Take a break after this call</source>
        <translation>本次通话结束后小休</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="568"/>
        <source>Shortcut: {keys}</source>
        <translation>快捷键：{keys}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="571"/>
        <source>No break codes are set up. Add them in Settings.</source>
        <translation>尚未配置小休代码，请在设置中添加。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="710"/>
        <source>Compact mode</source>
        <translation>紧凑模式</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="710"/>
        <source>Shows only your state, the timer and the buttons (Ctrl+M)</source>
        <translation>只显示您的状态、计时和按钮（Ctrl+M）</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="711"/>
        <source>Keep on top</source>
        <translation>保持置顶</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="711"/>
        <source>Keeps this window above other windows (Ctrl+T)</source>
        <translation>让此窗口始终在其他窗口之上（Ctrl+T）</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="712"/>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="713"/>
        <source>Time in this state</source>
        <translation>当前状态持续时间</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="714"/>
        <source>Today&apos;s breaks</source>
        <translation>今日小休</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="714"/>
        <source>Break time and breaks since midnight, per break code</source>
        <translation>从零点起的小休时长和次数，按小休代码列出</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="715"/>
        <source>Cancel the break after this call</source>
        <translation>取消通话后小休</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="716"/>
        <source>Break after this call</source>
        <translation>通话后小休</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="564"/>
        <location filename="../../app/ui/main_window.py" line="703"/>
        <source>Take a break</source>
        <translation>小休</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="50"/>
        <source>Softphone in the workbench</source>
        <translation>工作台软电话</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="51"/>
        <source>Mobile or landline</source>
        <translation>手机或座机</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="52"/>
        <source>Desk phone</source>
        <translation>话机</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="58"/>
        <source>{label} ({raw})</source>
        <translation>{label}（{raw}）</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="703"/>
        <source>Puts you on a break with the chosen break code</source>
        <translation>按所选小休代码进入小休</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="704"/>
        <source>Ends your break: you take calls again</source>
        <translation>结束小休，重新接听电话</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="705"/>
        <source>The break to take</source>
        <translation>要进入的小休类型</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="706"/>
        <source>Copy error</source>
        <translation>复制错误信息</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="707"/>
        <source>Open Settings</source>
        <translation>打开设置</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="708"/>
        <source>Dismiss error</source>
        <translation>关闭错误信息</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="709"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="709"/>
        <source>Connection, AccessKey and break codes</source>
        <translation>连接、AccessKey 和小休代码</translation>
    </message>
    <message>
        <location filename="../../app/ui/application.py" line="436"/>
        <location filename="../../app/ui/main_window.py" line="591"/>
        <location filename="../../app/ui/settings_dialog.py" line="418"/>
        <source>RequestId: {id}</source>
        <translation>RequestId：{id}</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="49"/>
        <source>Managed by your organisation</source>
        <translation>由您的组织统一管理</translation>
    </message>
    <message>
        <location filename="../../app/ui/keyring_words.py" line="14"/>
        <source>No system keyring is available, so an AccessKey you save here is kept for this session only: it is forgotten when you quit and never written to a file.</source>
        <translation>没有可用的系统密钥环，因此在此保存的 AccessKey 仅在本次会话中保留：退出应用后即被清除，且绝不会写入文件。</translation>
    </message>
    <message>
        <location filename="../../app/ui/keyring_words.py" line="21"/>
        <source>The system keyring is locked, so your AccessKey is kept for this session only and forgotten when you quit. Unlock the keyring (log in again or open your keyring app), then save the AccessKey again to keep it.</source>
        <translation>系统密钥环已锁定，因此您的 AccessKey 仅在本次会话中保留，退出应用后即被清除。请解锁系统密钥环（重新登录或打开密钥环应用），然后重新保存 AccessKey 以长期保留。</translation>
    </message>
    <message>
        <location filename="../../app/ui/keyring_words.py" line="29"/>
        <source>The system keyring is locked, so the saved AccessKey cannot be read. Unlock it (log in again or open your keyring app), then open Settings again. If you save an AccessKey now, your system may ask you to unlock the keyring; if it stays locked, the AccessKey is kept for this session only.</source>
        <translation>系统密钥环已锁定，无法读取已保存的 AccessKey。请解锁系统密钥环（重新登录或打开密钥环应用），然后重新打开设置。如果现在保存 AccessKey，系统可能会要求您解锁密钥环；如果密钥环仍处于锁定状态，AccessKey 将仅在本次会话中保留。</translation>
    </message>
    <message>
        <location filename="../../app/ui/keyring_words.py" line="38"/>
        <source>The system keyring did not accept your AccessKey, so it is kept for this session only and forgotten when you quit.</source>
        <translation>系统密钥环未接受您的 AccessKey，因此它仅在本次会话中保留，退出应用后即被清除。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="83"/>
        <source>CCC Break Settings</source>
        <translation>CCC Break 设置</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="110"/>
        <source>optional, e.g. https://ccc.cn-shanghai.aliyuncs.com</source>
        <translation>可选，例如 https://ccc.cn-shanghai.aliyuncs.com</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="114"/>
        <source>optional, completes a bare name</source>
        <translation>可选，用于补全未带域名的坐席 ID</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="118"/>
        <source>V3 (ACS3-HMAC-SHA256, recommended)</source>
        <translation>V3（ACS3-HMAC-SHA256，推荐）</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="119"/>
        <source>V2 (HMAC-SHA1)</source>
        <translation>V2（HMAC-SHA1）</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="125"/>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="131"/>
        <location filename="../../app/ui/settings_dialog.py" line="137"/>
        <source>As the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="137"/>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="137"/>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="141"/>
        <source>Start CCC Break when I log in</source>
        <translation>登录系统时自动启动 CCC Break</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="146"/>
        <source>Region</source>
        <translation>地域</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="147"/>
        <source>Endpoint</source>
        <translation>服务接入点</translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="43"/>
        <source>Welcome to {product}</source>
        <translation>欢迎使用 {product}</translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="64"/>
        <location filename="../../app/ui/settings_dialog.py" line="148"/>
        <source>Instance ID</source>
        <translation>实例 ID</translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="65"/>
        <location filename="../../app/ui/settings_dialog.py" line="149"/>
        <source>User ID</source>
        <translation>坐席 ID</translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="65"/>
        <source>optional, name@domain</source>
        <translation>可选，格式为 name@domain</translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="100"/>
        <source>&amp;Start</source>
        <translation>开始(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="103"/>
        <source>&amp;More settings…</source>
        <translation>更多设置(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="117"/>
        <source>Your organisation manages the connection but has not set the instance ID yet, so CCC Break cannot connect. Tell IT.</source>
        <translation>贵单位统一管理连接设置，但尚未设置实例 ID，因此 CCC Break 无法连接。请联系 IT。</translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="121"/>
        <source>To start, enter the contact centre instance and the AccessKey IT gave you.</source>
        <translation>请输入 IT 提供的联络中心实例和 AccessKey，即可开始。</translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="123"/>
        <source>To start, enter the contact centre instance IT gave you.</source>
        <translation>请输入 IT 提供的联络中心实例，即可开始。</translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="125"/>
        <source>Your organisation has set up the connection (instance {instance}). To start, enter the AccessKey IT gave you. It is kept in the system keyring.</source>
        <translation>贵单位已设置好连接（实例 {instance}）。请输入 IT 提供的 AccessKey 即可开始，它会保存在系统密钥环中。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="150"/>
        <source>User domain</source>
        <translation>坐席域名</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="152"/>
        <source>Signature</source>
        <translation>签名方式</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="153"/>
        <source>Check status every</source>
        <translation>状态检查间隔</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="154"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="155"/>
        <source>Theme</source>
        <translation>外观</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="169"/>
        <source>Connection</source>
        <translation>连接</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="181"/>
        <location filename="../../app/ui/settings_dialog.py" line="188"/>
        <source>saved — type to replace</source>
        <translation>已保存，输入新值即可替换</translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="70"/>
        <location filename="../../app/ui/settings_dialog.py" line="181"/>
        <location filename="../../app/ui/settings_dialog.py" line="191"/>
        <location filename="../../app/ui/settings_dialog.py" line="194"/>
        <source>AccessKey secret</source>
        <translation>AccessKey Secret</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="188"/>
        <source>optional, for STS credentials</source>
        <translation>可选，用于 STS 临时凭证</translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="69"/>
        <location filename="../../app/ui/settings_dialog.py" line="190"/>
        <location filename="../../app/ui/settings_dialog.py" line="193"/>
        <source>AccessKey ID</source>
        <translation>AccessKey ID</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="192"/>
        <location filename="../../app/ui/settings_dialog.py" line="195"/>
        <source>STS token</source>
        <translation>STS Token</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="211"/>
        <source>When a break runs over its maximum</source>
        <translation>小休超过上限时</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="216"/>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="219"/>
        <source>Play a sound with the overrun notifications</source>
        <translation>超时通知时播放提示音</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="223"/>
        <location filename="../../app/ui/settings_dialog.py" line="224"/>
        <source>Remind me every</source>
        <translation>提醒间隔</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="228"/>
        <source>Your organisation sets you Ready {time} after a break&apos;s maximum.</source>
        <translation>小休超过上限 {time} 后，贵单位会将您设为就绪。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="288"/>
        <source>Launch at login is not available on this desktop.</source>
        <translation>此桌面不支持登录时启动。</translation>
    </message>
    <message>
        <location filename="../../app/ui/keyring_words.py" line="17"/>
        <source>Stored in: {backend}</source>
        <translation>存储位置：{backend}</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="202"/>
        <source>AccessKey</source>
        <translation>AccessKey</translation>
    </message>
    <message>
        <location filename="../../app/ui/break_codes_editor.py" line="33"/>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <location filename="../../app/ui/break_codes_editor.py" line="33"/>
        <source>Label</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../app/ui/break_codes_editor.py" line="33"/>
        <source>Max minutes</source>
        <translation>时长上限（分钟）</translation>
    </message>
    <message>
        <location filename="../../app/ui/break_codes_editor.py" line="33"/>
        <source>Minutes a day</source>
        <translation>每日分钟数</translation>
    </message>
    <message>
        <location filename="../../app/ui/break_codes_editor.py" line="39"/>
        <source>Select all break codes</source>
        <translation>选择全部小休代码</translation>
    </message>
    <message>
        <location filename="../../app/ui/break_codes_editor.py" line="46"/>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../../app/ui/break_codes_editor.py" line="47"/>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../app/ui/break_codes_editor.py" line="48"/>
        <source>Move up</source>
        <translation>上移</translation>
    </message>
    <message>
        <location filename="../../app/ui/break_codes_editor.py" line="49"/>
        <source>Move down</source>
        <translation>下移</translation>
    </message>
    <message>
        <location filename="../../app/ui/break_codes_editor.py" line="110"/>
        <source>Row {n}: minutes a day must be a whole number above 0, or empty.</source>
        <translation>第 {n} 行：每日分钟数必须是大于 0 的整数，或留空。</translation>
    </message>
    <message>
        <location filename="../../app/ui/break_codes_editor.py" line="36"/>
        <location filename="../../app/ui/settings_dialog.py" line="237"/>
        <source>Break codes</source>
        <translation>小休代码</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="239"/>
        <source>&amp;Test connection</source>
        <translation>测试连接(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../app/ui/break_codes_editor.py" line="108"/>
        <source>Row {n}: max minutes must be a whole number above 0, or empty.</source>
        <translation>第 {n} 行：时长上限必须是大于 0 的整数，或留空。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="346"/>
        <source>User ID must look like name@domain, e.g. user-test@ccc-test.</source>
        <translation>坐席 ID 的格式应为 name@domain，例如 user-test@ccc-test。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="348"/>
        <source>Check status at most every {n} s.</source>
        <translation>状态检查间隔不能短于 {n} 秒。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="358"/>
        <source>Enter the AccessKey ID that belongs to this secret.</source>
        <translation>请输入与此 AccessKey Secret 对应的 AccessKey ID。</translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="143"/>
        <location filename="../../app/ui/settings_dialog.py" line="360"/>
        <source>The secret has spaces at the start or end; check the paste.</source>
        <translation>AccessKey Secret 的开头或结尾有空格，请检查粘贴的内容。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="366"/>
        <source>Requests go to {url}</source>
        <translation>请求发往 {url}</translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="176"/>
        <location filename="../../app/ui/settings_dialog.py" line="390"/>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="412"/>
        <source>Testing…</source>
        <translation>正在测试…</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="425"/>
        <source>Connected. UserState {state}, extension {ext}. RequestId: {id}</source>
        <translation>连接成功。坐席状态 {state}，分机号 {ext}。RequestId：{id}</translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="184"/>
        <location filename="../../app/ui/settings_dialog.py" line="449"/>
        <source>Something unexpected went wrong; your entries are kept.</source>
        <translation>发生意外错误，您填写的内容已保留。</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="102"/>
        <source>{state} ({code})</source>
        <translation>{state}（{code}）</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="105"/>
        <source>{state} {time}</source>
        <translation>{state} {time}</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="113"/>
        <source>Sending your request…</source>
        <translation>正在发送您的请求…</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="116"/>
        <source>Your last request did not go through: {why}</source>
        <translation>您的上一个请求未成功：{why}</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="119"/>
        <source>May be out of date: the last refresh failed</source>
        <translation>可能已过时：上次刷新失败</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="121"/>
        <source>As last seen: refreshing…</source>
        <translation>上次看到的状态：正在刷新…</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="151"/>
        <source>Take Break</source>
        <translation>小休</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="151"/>
        <source>Take Break after this call</source>
        <translation>通话后小休</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="161"/>
        <source>Cancel {code} after this call</source>
        <translation>取消本次通话后的{code}</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="169"/>
        <source>Show/Hide Window</source>
        <translation>显示/隐藏窗口</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="172"/>
        <source>Compact Window</source>
        <translation>紧凑窗口</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="173"/>
        <source>Keep on Top</source>
        <translation>保持置顶</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="180"/>
        <location filename="../../app/ui/tray.py" line="185"/>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="182"/>
        <location filename="../../app/ui/tray.py" line="185"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/ui/i18n.py" line="27"/>
        <source>%n minute(s)</source>
        <translation>
            <numerusform>%n 分钟</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/ui/single_instance.py" line="62"/>
        <source>The check for a second CCC Break is off for this run ({why}).</source>
        <translation>本次运行未检查是否已有另一个 CCC Break 在运行（{why}）。</translation>
    </message>
    <message>
        <location filename="../../app/ui/single_instance.py" line="153"/>
        <source>Another user&apos;s program holds this session&apos;s CCC Break address; starting anyway.</source>
        <translation>其他用户的程序占用了本会话的 CCC Break 地址；CCC Break 仍会启动。</translation>
    </message>
</context>
</TS>
