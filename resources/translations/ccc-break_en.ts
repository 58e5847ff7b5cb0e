<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name></name>
    <message numerus="yes">
        <location filename="../../app/ui/i18n.py" line="27"/>
        <source>%n minute(s)</source>
        <translation>
            <numerusform>%n minute</numerusform>
            <numerusform>%n minutes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/ui/main_window.py" line="97"/>
        <source>Breaks today: %n, {time}</source>
        <translation>
            <numerusform>Breaks today: %n, {time}</numerusform>
            <numerusform>Breaks today: %n, {time}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/ui/main_window.py" line="102"/>
        <source>{code}: %n break(s), {time}</source>
        <translation>
            <numerusform>{code}: %n break, {time}</numerusform>
            <numerusform>{code}: %n breaks, {time}</numerusform>
        </translation>
    </message>
</context>
</TS>
