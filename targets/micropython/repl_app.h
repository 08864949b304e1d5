// The REPL application's pieces (APP=repl): repl_main.c, repl_vfs.c, repl_time.c.
#ifndef HIL_REPL_APP_H
#define HIL_REPL_APP_H

// Stack the REPL uses above a case's module that the booter does not: the
// raw REPL, the code it was sent and the import that runs the case. The
// limit is the configuration's plus this, so a case recurses as deep as on
// the booter. Measured on qemu-m0: micropython.stack_use() at a case's top
// level is 1072 bytes here, 472 under the booter.
#ifndef HIL_REPL_STACK_EXTRA
#define HIL_REPL_STACK_EXTRA (600)
#endif

void hil_repl_main(void);

// Forget every mount: a soft reset starts with nothing mounted.
void hil_vfs_init(void);

#endif // HIL_REPL_APP_H
