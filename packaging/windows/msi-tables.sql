UPDATE `Property` SET `Value` = 'WIX_DOWNGRADE_DETECTED;WIX_UPGRADE_DETECTED;INSTANCEID;REGION;ENDPOINT;USERDOMAIN;AUTOSTART;LOCKED' WHERE `Property` = 'SecureCustomProperties'
UPDATE `Component` SET `Condition` = 'AUTOSTART = "1"' WHERE `Component` = 'MachineRunKey'
UPDATE `Component` SET `Condition` = 'INSTANCEID' WHERE `Component` = 'IniInstanceId'
UPDATE `Component` SET `Condition` = 'REGION' WHERE `Component` = 'IniRegion'
UPDATE `Component` SET `Condition` = 'ENDPOINT' WHERE `Component` = 'IniEndpoint'
UPDATE `Component` SET `Condition` = 'USERDOMAIN' WHERE `Component` = 'IniUserDomain'
UPDATE `Component` SET `Condition` = 'LOCKED' WHERE `Component` = 'IniLocked'
CREATE TABLE `IniFile` (`IniFile` CHAR(72) NOT NULL, `FileName` CHAR(255) NOT NULL LOCALIZABLE, `DirProperty` CHAR(72), `Section` CHAR(96) NOT NULL LOCALIZABLE, `Key` CHAR(128) NOT NULL LOCALIZABLE, `Value` CHAR(255) NOT NULL LOCALIZABLE, `Action` SHORT NOT NULL, `Component_` CHAR(72) NOT NULL PRIMARY KEY `IniFile`)
INSERT INTO `IniFile` (`IniFile`, `FileName`, `DirProperty`, `Section`, `Key`, `Value`, `Action`, `Component_`) VALUES ('IniInstanceId', 'ccc-break.ini', 'CONFIGDIR', 'ccc-break', 'instance_id', '[INSTANCEID]', 0, 'IniInstanceId')
INSERT INTO `IniFile` (`IniFile`, `FileName`, `DirProperty`, `Section`, `Key`, `Value`, `Action`, `Component_`) VALUES ('IniRegion', 'ccc-break.ini', 'CONFIGDIR', 'ccc-break', 'region', '[REGION]', 0, 'IniRegion')
INSERT INTO `IniFile` (`IniFile`, `FileName`, `DirProperty`, `Section`, `Key`, `Value`, `Action`, `Component_`) VALUES ('IniEndpoint', 'ccc-break.ini', 'CONFIGDIR', 'ccc-break', 'endpoint', '[ENDPOINT]', 0, 'IniEndpoint')
INSERT INTO `IniFile` (`IniFile`, `FileName`, `DirProperty`, `Section`, `Key`, `Value`, `Action`, `Component_`) VALUES ('IniUserDomain', 'ccc-break.ini', 'CONFIGDIR', 'ccc-break', 'user_domain', '[USERDOMAIN]', 0, 'IniUserDomain')
INSERT INTO `IniFile` (`IniFile`, `FileName`, `DirProperty`, `Section`, `Key`, `Value`, `Action`, `Component_`) VALUES ('IniLocked', 'ccc-break.ini', 'CONFIGDIR', 'ccc-break', 'locked', '[LOCKED]', 0, 'IniLocked')
INSERT INTO `InstallExecuteSequence` (`Action`, `Sequence`) VALUES ('RemoveIniValues', 3100)
INSERT INTO `InstallExecuteSequence` (`Action`, `Sequence`) VALUES ('WriteIniValues', 5100)
