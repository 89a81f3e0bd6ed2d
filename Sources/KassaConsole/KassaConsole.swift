/// KassaConsole: the technician's console on a serial line, a client of kassad's socket.
///
/// It owns line editing for dumb terminals, the command table and the system tools a technician
/// may run (clock, network, reboot). It never touches the journal or the state directory: every
/// change goes through kassad, which journals it, and files (exports) are written from what
/// kassad streams over the socket.
