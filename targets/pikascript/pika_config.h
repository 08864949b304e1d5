// PikaPython's configuration for bytecode-hil builds (selected by
// -DPIKA_CONFIG_ENABLE; the core's pika_config_valid.h fills in the rest).
// What differs between targets (heap, syntax level, the parser) is in
// configs/<name>.h, which every build of the target shares: its host
// runner, its firmware and the compiler of its blobs.
#ifndef HIL_PIKA_CONFIG_H
#define HIL_PIKA_CONFIG_H

#include HIL_CONFIG_HEADER

// The maximal syntax level whatever the configuration says: the reference
// compiler a minimal level's bytecode is compared with (SYNTAX=maximal).
#ifdef HIL_SYNTAX_MAXIMAL
#undef PIKA_SYNTAX_LEVEL
#define PIKA_SYNTAX_LEVEL PIKA_SYNTAX_LEVEL_MAXIMAL
#endif

// No event thread: a booter runs one program at a time on one thread.
#define PIKA_EVENT_THREAD_ENABLE 0
// open() has no file system behind it on a board; the PC-side compiler
// (HIL_PIKA_TOOL) reads and writes files.
#ifndef HIL_PIKA_TOOL
#define PIKA_FILEIO_ENABLE 0
#endif

#endif // HIL_PIKA_CONFIG_H
