// pikac for PikaPython core 1.8.6: its PC-side compiler and packer, as
// bytecode-hil drives them. A front end of ours over the core's own compiler
// (PikaCompiler.c) and parser, built for the host (pikascript/pikac.mk):
//   pikac compile IN.py OUT.py.o            one module into bytecode
//   pikac pack OUT.py.a NAME=IN.py.o ...    modules into a library; NAME is
//                                           what `import NAME` finds
// Exit status: 0 done, 1 the compiler or linker refused (its words on
// stdout), 2 bad use or a file that cannot be read.
//
// Core 1.8.6's pikaCompile() ignores its parser's verdict: a line the parser
// stops at ends the program there, and the bytecode of the lines before it
// passes for the whole. The program is parsed first, as pikaCompile() would
// parse it; a refusal leaves no file.
#include <stdio.h>
#include <string.h>

#include "PikaCompiler.h"
#include "PikaObj.h"
#include "PikaParser.h"
#include "dataStrs.h"

// The generated pikaScript.c defines the root object's pointer; a compiler
// runs no script and does not link it.
PikaObj *__pikaMain;

static int compile(const char *in, const char *out) {
    Arg *file = arg_loadFile(NULL, (char *)in);
    if (file == NULL) {
        fprintf(stderr, "pikac: cannot read %s\n", in);
        return 2;
    }
    Args buffs = {0};
    // As pikaCompileFileWithOutputName() prepares a file's text.
    char *lines = strsReplace(&buffs, (char *)arg_getBytes(file), "\r\n", "\n");
    lines = strsReplace(&buffs, lines, "\n\n", "\n");
    lines = strsAppend(&buffs, lines, "\n\n");
    int rc = 0;
    Args asm_buffs = {0};
    if (Parser_multiLineToAsm(&asm_buffs, lines) == NULL) {
        printf("pikac: %s refused: the parser stopped at a line it cannot read\n", in);
        rc = 1;
    } else {
        pikaCompile((char *)out, lines);
    }
    strsDeinit(&asm_buffs);
    strsDeinit(&buffs);
    arg_deinit(file);
    return rc;
}

static int pack(const char *out, int count, char **modules) {
    LibObj *lib = New_LibObj(NULL);
    int rc = 0;
    for (int i = 0; i < count && rc == 0; i++) {
        char name[LIB_INFO_BLOCK_SIZE];
        const char *eq = strchr(modules[i], '=');
        size_t n = eq ? (size_t)(eq - modules[i]) : 0;
        if (eq == NULL || n == 0) {
            fprintf(stderr, "pikac: %s is not NAME=FILE.py.o\n", modules[i]);
            rc = 2;
            break;
        }
        // An index entry holds the name in 28 bytes, NUL included.
        if (n > LIB_INFO_BLOCK_SIZE - sizeof(uint32_t) - 1) {
            printf("pikac: module name %.*s is longer than a .py.a entry holds (%d bytes)\n", (int)n, modules[i],
                   (int)(LIB_INFO_BLOCK_SIZE - sizeof(uint32_t) - 1));
            rc = 1;
            break;
        }
        memcpy(name, modules[i], n);
        name[n] = '\0';
        Arg *file = arg_loadFile(NULL, (char *)(eq + 1));
        if (file == NULL) {
            fprintf(stderr, "pikac: cannot read %s\n", eq + 1);
            rc = 2;
            break;
        }
        // arg_loadFile() adds a NUL to the file's bytes: not the module's.
        if (0 != LibObj_staticLink(lib, name, arg_getBytes(file), arg_getBytesSize(file) - 1)) {
            printf("pikac: linking %s refused\n", name);
            rc = 1;
        }
        arg_deinit(file);
    }
    if (rc == 0 && 0 != LibObj_saveLibraryFile(lib, (char *)out)) {
        printf("pikac: writing %s failed\n", out);
        rc = 1;
    }
    LibObj_deinit(lib);
    return rc;
}

int main(int argc, char **argv) {
    if (argc == 4 && 0 == strcmp(argv[1], "compile")) {
        return compile(argv[2], argv[3]);
    }
    if (argc >= 4 && 0 == strcmp(argv[1], "pack")) {
        return pack(argv[2], argc - 3, argv + 3);
    }
    fprintf(stderr, "usage: pikac compile IN.py OUT.py.o | pikac pack OUT.py.a NAME=IN.py.o...\n");
    return 2;
}
