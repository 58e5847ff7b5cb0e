<?xml version="1.0" encoding="utf-8"?>
<!-- heat transform for build.ps1: drop ccc-break.exe from the harvested AppFiles group, because
     ccc-break.wxs gives it its own component (the Run value and shortcut point at it). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:wix="http://schemas.microsoft.com/wix/2006/wi">
  <xsl:output method="xml" indent="yes"/>
  <xsl:key name="main-exe" match="wix:Component[wix:File[substring(@Source, string-length(@Source) - 13) = '\ccc-break.exe']]" use="@Id"/>
  <xsl:template match="@*|node()">
    <xsl:copy><xsl:apply-templates select="@*|node()"/></xsl:copy>
  </xsl:template>
  <xsl:template match="wix:Component[key('main-exe', @Id)]"/>
  <xsl:template match="wix:ComponentRef[key('main-exe', @Id)]"/>
</xsl:stylesheet>
