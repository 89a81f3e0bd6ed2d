// libusb-1.0 (Debian libusb-1.0-0-dev), found through pkg-config's include path.
#include <libusb.h>
