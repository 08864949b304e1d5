// pikac: PikaPython's PC-side compiler and packer, as bytecode-hil drives it.
// A front end of ours over the core's own compiler (PikaCompiler.c) and parser,
// built for the host from the pinned source (pikascript/pikac.mk):
//   pikac compile IN.py OUT.py.o            one module into bytecode
//   pikac pack OUT.py.a NAME=IN.py.o ...    modules into a library; NAME is
//                                           what `import NAME` finds
// Exit status: 0 done, 1 the compiler or linker refused (its words on
// stdout), 2 bad use or a file that cannot be read.
#include <stdio.h>
#include <string.h>

#include "PikaCompiler.h"
#include "PikaObj.h"

// The generated pikaScript.c defines the root object's pointer; a compiler
// runs no script and does not link it.
volatile PikaObj *__pikaMain;

// The core opens the output before it parses: a refused program leaves an
// empty or partial file behind, which must not pass for bytecode.
static int compile(const char *in, const char *out) {
    PIKA_RES res = pikaCompileFileWithOutputName((char *)out, (char *)in);
    if (res != PIKA_RES_OK) {
        printf("pikac: %s refused (PIKA_RES %d)\n", in, (int)res);
        remove(out);
        return 1;
    }
    return 0;
}

static int pack(const char *out, int count, char **modules) {
    LibObj *lib = New_LibObj(NULL);
    int rc = 0;
    for (int i = 0; i < count && rc == 0; i++) {
        char name[256];
        const char *eq = strchr(modules[i], '=');
        size_t n = eq ? (size_t)(eq - modules[i]) : 0;
        if (eq == NULL || n == 0 || n >= sizeof(name)) {
            fprintf(stderr, "pikac: %s is not NAME=FILE.py.o\n", modules[i]);
            rc = 2;
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
        // The .py.o without its 8-byte header (magic, size), as
        // LibObj_staticLinkFile takes it.
        uint8_t *code = arg_getBytes(file);
        size_t size = arg_getBytesSize(file);
        if (size >= 8 && 0 == memcmp(code, "\x0fpyo", 4)) {
            code += 8;
            size -= 8;
        }
        if (0 != LibObj_staticLink(lib, name, code, size)) {
            printf("pikac: linking %s refused\n", name);
            rc = 1;
        }
        arg_deinit(file);
    }
    if (rc == 0 && 0 != LibObj_linkFile(lib, (char *)out)) {
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
