// Core 1.8.6 without its parser, as a booter runs it (side.mk, COMPILER=0).
// The VM's one way into the parser is bytecodeFrame_fromMultiLine(), for a
// program given as text (pikaVM_run, obj_run, the shell); pikaVM_runByteCode
// shares the function that calls it. This stand-in refuses every text as
// the parser refuses a line it cannot read, so PikaParser.c is not linked
// and a run from bytecode is the same. 1.14 has PIKA_BYTECODE_ONLY_ENABLE
// for this; 1.8.6 has nothing.
#include "PikaObj.h"

int bytecodeFrame_fromMultiLine(ByteCodeFrame *bytecode_frame, char *multi_line);

int bytecodeFrame_fromMultiLine(ByteCodeFrame *bytecode_frame, char *multi_line) {
    (void)bytecode_frame;
    (void)multi_line;
    return 1;   // the VM prints "[error]: Syntax error." and runs nothing
}
