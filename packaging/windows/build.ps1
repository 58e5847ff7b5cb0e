# Build the CCC Break MSI on a Windows build host.
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1 [-SkipBuild]
# Needs: Python with `pip install -e .[package]` (PyInstaller) and WiX Toolset v3 (candle, light, heat)
# on PATH or in WIX (the variable the WiX installer sets).
param([switch]$SkipBuild)
$ErrorActionPreference = "Stop"
$Root = Resolve-Path (Join-Path $PSScriptRoot "..\..")
Set-Location $Root

$Version = (Select-String -Path "app\__init__.py" -Pattern '^__version__\s*=\s*"([^"]+)"').Matches[0].Groups[1].Value
$WixBin = if ($env:WIX) { Join-Path $env:WIX "bin" } else { "" }
function Wix($tool) { if ($WixBin) { Join-Path $WixBin "$tool.exe" } else { "$tool.exe" } }

if (-not $SkipBuild) {
    pyinstaller --noconfirm --distpath dist --workpath build packaging\ccc-break.spec
    if ($LASTEXITCODE) { throw "PyInstaller failed" }
}
$Payload = Join-Path $Root "dist\ccc-break"
if (-not (Test-Path (Join-Path $Payload "ccc-break.exe"))) { throw "$Payload\ccc-break.exe not found" }

$Obj = Join-Path $Root "build\msi"
New-Item -ItemType Directory -Force -Path $Obj | Out-Null
# Harvest everything under dist\ccc-break except the main exe (it has its own fixed-GUID component).
& (Wix heat) dir $Payload -nologo -ag -srd -sreg -cg AppFiles -dr INSTALLDIR -var var.SourceDir `
    -t packaging\windows\exclude-main-exe.xslt -out (Join-Path $Obj "appfiles.wxs")
if ($LASTEXITCODE) { throw "heat failed" }
& (Wix candle) -nologo -arch x64 -dVersion=$Version -dSourceDir=$Payload -dWin64=yes `
    -dIconFile=(Join-Path $Root "resources\icons\ccc-break.ico") -out "$Obj\" `
    packaging\windows\ccc-break.wxs (Join-Path $Obj "appfiles.wxs")
if ($LASTEXITCODE) { throw "candle failed" }
$Msi = Join-Path $Root "dist\ccc-break-$Version-x64.msi"
& (Wix light) -nologo -sval -out $Msi (Join-Path $Obj "ccc-break.wixobj") (Join-Path $Obj "appfiles.wixobj")
if ($LASTEXITCODE) { throw "light failed" }

# The component conditions and IniFile rows, shared with build-msi-stub.sh.
$Installer = New-Object -ComObject WindowsInstaller.Installer
$Database = $Installer.GetType().InvokeMember("OpenDatabase", "InvokeMethod", $null, $Installer, @($Msi, 1))
foreach ($Query in Get-Content packaging\windows\msi-tables.sql) {
    if (-not $Query.Trim()) { continue }
    $View = $Database.GetType().InvokeMember("OpenView", "InvokeMethod", $null, $Database, @($Query))
    $View.GetType().InvokeMember("Execute", "InvokeMethod", $null, $View, $null) | Out-Null
    $View.GetType().InvokeMember("Close", "InvokeMethod", $null, $View, $null) | Out-Null
}
$Database.GetType().InvokeMember("Commit", "InvokeMethod", $null, $Database, $null) | Out-Null
[System.Runtime.InteropServices.Marshal]::ReleaseComObject($Database) | Out-Null

Write-Host ("Built {0} ({1:N1} MB)" -f $Msi, ((Get-Item $Msi).Length / 1MB))
