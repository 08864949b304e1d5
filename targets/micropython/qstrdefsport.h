// qstrs specific to the bytecode-hil port (none beyond the core's).
