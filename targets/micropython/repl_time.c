// A minimal `time` module for the REPL application, on the board's cycle
// counter (TIMER0 on qemu-microbit): ticks_us, ticks_ms, ticks_cpu,
// ticks_diff, ticks_add, sleep_ms, sleep_us. Ticks behave as stock
// MicroPython's do: small ints that wrap at 2**30, compared with ticks_diff.
#include "py/mphal.h"
#include "py/runtime.h"
#include "py/smallint.h"

#include "hil_board.h"

// py/mpconfig.h sets the period: 2**30 on 32-bit targets.
#define TICKS_MAX (MICROPY_PY_TIME_TICKS_PERIOD - 1)
#define TICKS_HALF (MICROPY_PY_TIME_TICKS_PERIOD / 2)

static uint64_t elapsed(uint32_t per_second) {
    return hil_board_cycles() / (hil_board_clock_hz() / per_second);
}

// The HAL's time, for the core and shared/ (pyexec, readline).
mp_uint_t mp_hal_ticks_ms(void) {
    return (mp_uint_t)elapsed(1000);
}

mp_uint_t mp_hal_ticks_us(void) {
    return (mp_uint_t)elapsed(1000000);
}

void mp_hal_delay_us(mp_uint_t us) {
    uint64_t end = elapsed(1000000) + us;
    while (elapsed(1000000) < end) {
    }
}

void mp_hal_delay_ms(mp_uint_t ms) {
    mp_hal_delay_us(ms * 1000);
}

static mp_obj_t ticks(uint64_t value) {
    return MP_OBJ_NEW_SMALL_INT((mp_int_t)(value & TICKS_MAX));
}

static mp_obj_t time_ticks_ms(void) {
    return ticks(elapsed(1000));
}
static MP_DEFINE_CONST_FUN_OBJ_0(time_ticks_ms_obj, time_ticks_ms);

static mp_obj_t time_ticks_us(void) {
    return ticks(elapsed(1000000));
}
static MP_DEFINE_CONST_FUN_OBJ_0(time_ticks_us_obj, time_ticks_us);

static mp_obj_t time_ticks_cpu(void) {
    return ticks(hil_board_cycles());
}
static MP_DEFINE_CONST_FUN_OBJ_0(time_ticks_cpu_obj, time_ticks_cpu);

// ticks_diff(end, start): signed, in (-2**29, 2**29], correct across a wrap.
static mp_obj_t time_ticks_diff(mp_obj_t end_in, mp_obj_t start_in) {
    mp_uint_t end = mp_obj_get_int(end_in);
    mp_uint_t start = mp_obj_get_int(start_in);
    mp_int_t diff = ((end - start + TICKS_HALF) & TICKS_MAX) - TICKS_HALF;
    return MP_OBJ_NEW_SMALL_INT(diff);
}
static MP_DEFINE_CONST_FUN_OBJ_2(time_ticks_diff_obj, time_ticks_diff);

static mp_obj_t time_ticks_add(mp_obj_t ticks_in, mp_obj_t delta_in) {
    mp_uint_t sum = mp_obj_get_int(ticks_in) + mp_obj_get_int(delta_in);
    return MP_OBJ_NEW_SMALL_INT(sum & TICKS_MAX);
}
static MP_DEFINE_CONST_FUN_OBJ_2(time_ticks_add_obj, time_ticks_add);

static mp_obj_t time_sleep_ms(mp_obj_t ms_in) {
    mp_int_t ms = mp_obj_get_int(ms_in);
    if (ms > 0) {
        mp_hal_delay_ms(ms);
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(time_sleep_ms_obj, time_sleep_ms);

static mp_obj_t time_sleep_us(mp_obj_t us_in) {
    mp_int_t us = mp_obj_get_int(us_in);
    if (us > 0) {
        mp_hal_delay_us(us);
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(time_sleep_us_obj, time_sleep_us);

static const mp_rom_map_elem_t time_globals_table[] = {
    {MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_time)},
    {MP_ROM_QSTR(MP_QSTR_ticks_ms), MP_ROM_PTR(&time_ticks_ms_obj)},
    {MP_ROM_QSTR(MP_QSTR_ticks_us), MP_ROM_PTR(&time_ticks_us_obj)},
    {MP_ROM_QSTR(MP_QSTR_ticks_cpu), MP_ROM_PTR(&time_ticks_cpu_obj)},
    {MP_ROM_QSTR(MP_QSTR_ticks_diff), MP_ROM_PTR(&time_ticks_diff_obj)},
    {MP_ROM_QSTR(MP_QSTR_ticks_add), MP_ROM_PTR(&time_ticks_add_obj)},
    {MP_ROM_QSTR(MP_QSTR_sleep_ms), MP_ROM_PTR(&time_sleep_ms_obj)},
    {MP_ROM_QSTR(MP_QSTR_sleep_us), MP_ROM_PTR(&time_sleep_us_obj)},
};
static MP_DEFINE_CONST_DICT(time_globals, time_globals_table);

const mp_obj_module_t hil_module_time = {
    .base = {&mp_type_module},
    .globals = (mp_obj_dict_t *)&time_globals,
};
MP_REGISTER_MODULE(MP_QSTR_time, hil_module_time);
