"""CCC Break: a tray widget for Alibaba Cloud Contact Center agents."""

__version__ = "0.1.0"
PRODUCT_NAME = "CCC Break"
APP_ID = "ccc-break"
