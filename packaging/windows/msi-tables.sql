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
UPDATE `CustomAction` SET `Type` = 51 WHERE `Action` = 'RestoreAutostart'
UPDATE `InstallExecuteSequence` SET `Sequence` = 51 WHERE `Action` = 'RestoreAutostart'
UPDATE `CustomAction` SET `Type` = 51 WHERE `Action` = 'RestoreInstanceId'
UPDATE `InstallExecuteSequence` SET `Sequence` = 52 WHERE `Action` = 'RestoreInstanceId'
UPDATE `CustomAction` SET `Type` = 51 WHERE `Action` = 'RestoreRegion'
UPDATE `InstallExecuteSequence` SET `Sequence` = 53 WHERE `Action` = 'RestoreRegion'
UPDATE `CustomAction` SET `Type` = 51 WHERE `Action` = 'RestoreEndpoint'
UPDATE `InstallExecuteSequence` SET `Sequence` = 54 WHERE `Action` = 'RestoreEndpoint'
UPDATE `CustomAction` SET `Type` = 51 WHERE `Action` = 'RestoreUserDomain'
UPDATE `InstallExecuteSequence` SET `Sequence` = 55 WHERE `Action` = 'RestoreUserDomain'
UPDATE `CustomAction` SET `Type` = 51 WHERE `Action` = 'RestoreLocked'
UPDATE `InstallExecuteSequence` SET `Sequence` = 56 WHERE `Action` = 'RestoreLocked'
INSERT INTO `RemoveFile` (`FileKey`, `Component_`, `FileName`, `DirProperty`, `InstallMode`) VALUES ('RemoveConfigFile', 'ConfigFolder', 'ccc-break.ini', 'CONFIGDIR', 2)
