// Board layer for the STM32G030 (Cortex-M0+, 64 KiB flash, 8 KiB SRAM).
// The byte link is a USART, polled; SysTick, extended to 64 bits in
// software, is the cycle counter. Register addresses and bit positions are
// from ST's RM0454 (STM32G0x0 reference manual) and, for SysTick and the
// system control block, from the ARMv6-M Architecture Reference Manual.
#include <stdint.h>

#include "cortex_m0.h"
#include "hil_board.h"
#include "hil_proto.h"

#ifndef HIL_BOARD_NAME
#define HIL_BOARD_NAME "stm32g030"
#endif

// Which USART and pins carry the link (board.mk sets these from UART=1|2
// and the UART_* variables): USART1 on PA9 (TX) / PA10 (RX), AF1, by default.
#ifndef HIL_UART
#define HIL_UART 1
#endif
#ifndef HIL_UART_TX_PORT
#define HIL_UART_TX_PORT 0 // 0 = GPIOA, 1 = B, 2 = C, 3 = D, 5 = F
#endif
#ifndef HIL_UART_TX_PIN
#define HIL_UART_TX_PIN 9
#endif
#ifndef HIL_UART_RX_PORT
#define HIL_UART_RX_PORT 0
#endif
#ifndef HIL_UART_RX_PIN
#define HIL_UART_RX_PIN 10
#endif
#ifndef HIL_UART_AF
#define HIL_UART_AF 1
#endif
#if HIL_UART_TX_PIN > 15 || HIL_UART_RX_PIN > 15 || HIL_UART_AF > 7
#error "a GPIO pin is 0..15 and an alternate function 0..7"
#endif
#define HIL_BAUD (115200u)

#define REG(addr) (*(volatile uint32_t *)(addr))

// The clock plan: HSI16 through the PLL to 64 MHz, the G030's maximum.
// fVCO = 16 MHz / M * N = 16 / 1 * 8 = 128 MHz (64..344 MHz allowed),
// PLLRCLK = fVCO / R = 128 / 2 = 64 MHz. AHB and APB undivided.
#define SYSCLK_HZ (64000000u)

// FLASH: access control register.
#define FLASH_ACR REG(0x40022000u)
#define FLASH_ACR_LATENCY_MASK (7u)
#define FLASH_ACR_LATENCY_2WS (2u) // 2 wait states: 48 < HCLK <= 64 MHz, range 1
#define FLASH_ACR_PRFTEN (1u << 8)
#define FLASH_ACR_ICEN (1u << 9)

// RCC: reset and clock control.
#define RCC (0x40021000u)
#define RCC_CR REG(RCC + 0x00)
#define RCC_CFGR REG(RCC + 0x08)
#define RCC_PLLCFGR REG(RCC + 0x0C)
#define RCC_IOPENR REG(RCC + 0x34)
#define RCC_APBENR1 REG(RCC + 0x3C)
#define RCC_APBENR2 REG(RCC + 0x40)
#define RCC_CR_PLLON (1u << 24)
#define RCC_CR_PLLRDY (1u << 25)
#define RCC_CFGR_SW_MASK (7u << 0)
#define RCC_CFGR_SW_PLLRCLK (2u << 0)
#define RCC_CFGR_SWS_MASK (7u << 3)
#define RCC_CFGR_SWS_PLLRCLK (2u << 3)
#define RCC_PLLCFGR_PLLSRC_HSI16 (2u << 0)
#define RCC_PLLCFGR_PLLM(m) (((m) - 1u) << 4)
#define RCC_PLLCFGR_PLLN(n) ((n) << 8)
#define RCC_PLLCFGR_PLLREN (1u << 28)
#define RCC_PLLCFGR_PLLR(r) (((r) - 1u) << 29)
#define RCC_APBENR1_USART2EN (1u << 17)
#define RCC_APBENR2_USART1EN (1u << 14)

// GPIO ports, on the IOPORT bus: A at 0x50000000, 0x400 apart.
#define GPIO(port) (0x50000000u + 0x400u * (port))
#define GPIO_MODER(port) REG(GPIO(port) + 0x00)
#define GPIO_PUPDR(port) REG(GPIO(port) + 0x0C)
#define GPIO_AFR(port, pin) REG(GPIO(port) + 0x20 + 4 * ((pin) >> 3))
#define GPIO_MODE_AF (2u)
#define GPIO_PULL_UP (1u)

// USART; both instances have the same layout.
#if HIL_UART == 1
#define USART (0x40013800u)
#elif HIL_UART == 2
#define USART (0x40004400u)
#else
#error "HIL_UART must be 1 (USART1) or 2 (USART2)"
#endif
#define USART_CR1 REG(USART + 0x00)
#define USART_BRR REG(USART + 0x0C)
#define USART_ISR REG(USART + 0x1C)
#define USART_ICR REG(USART + 0x20)
#define USART_RDR REG(USART + 0x24)
#define USART_TDR REG(USART + 0x28)
#define USART_CR1_UE (1u << 0)
#define USART_CR1_RE (1u << 2)
#define USART_CR1_TE (1u << 3)
#define USART_ISR_PE (1u << 0)
#define USART_ISR_FE (1u << 1)
#define USART_ISR_NE (1u << 2)
#define USART_ISR_ORE (1u << 3)
#define USART_ISR_RXNE (1u << 5)
#define USART_ISR_TC (1u << 6)
#define USART_ISR_TXE (1u << 7)
#define USART_ISR_ERRORS (USART_ISR_PE | USART_ISR_FE | USART_ISR_NE | USART_ISR_ORE)
// The ICR clear bits sit where the ISR flags do.
#define USART_ICR_ERRORS USART_ISR_ERRORS

// Cortex-M0+ system timer and control block.
#define SYST_CSR REG(0xE000E010u)
#define SYST_RVR REG(0xE000E014u)
#define SYST_CVR REG(0xE000E018u)
#define SYST_CSR_ENABLE (1u << 0)
#define SYST_CSR_TICKINT (1u << 1)
#define SYST_CSR_CLKSOURCE_CPU (1u << 2)
#define SYST_PERIOD_BITS (24)
#define SYST_MAX ((1u << SYST_PERIOD_BITS) - 1u)
#define SCB_ICSR REG(0xE000ED04u)
#define SCB_ICSR_PENDSTSET (1u << 26)
#define SCB_VTOR REG(0xE000ED08u)

// From the linker script: the stack's bounds and the vector table.
extern uint32_t _svectors[];

// --- Clock -------------------------------------------------------------------

static void clock_init(void) {
    // Wait states first: the flash must be slow enough before the clock
    // is fast. Range 1 (VOS's reset value) allows 64 MHz.
    FLASH_ACR = (FLASH_ACR & ~FLASH_ACR_LATENCY_MASK) | FLASH_ACR_LATENCY_2WS | FLASH_ACR_PRFTEN | FLASH_ACR_ICEN;
    while ((FLASH_ACR & FLASH_ACR_LATENCY_MASK) != FLASH_ACR_LATENCY_2WS) {
    }
    // HSI16 is on after reset (HSION, HSIDIV = 1); the PLL is off, so its
    // configuration may be written whole.
    RCC_PLLCFGR = RCC_PLLCFGR_PLLSRC_HSI16 | RCC_PLLCFGR_PLLM(1) | RCC_PLLCFGR_PLLN(8)
        | RCC_PLLCFGR_PLLR(2) | RCC_PLLCFGR_PLLREN;
    RCC_CR |= RCC_CR_PLLON;
    while (!(RCC_CR & RCC_CR_PLLRDY)) {
    }
    RCC_CFGR = (RCC_CFGR & ~RCC_CFGR_SW_MASK) | RCC_CFGR_SW_PLLRCLK;
    while ((RCC_CFGR & RCC_CFGR_SWS_MASK) != RCC_CFGR_SWS_PLLRCLK) {
    }
}

// --- Byte link ---------------------------------------------------------------

static void pin_af(uint32_t port, uint32_t pin, uint32_t pull) {
    uint32_t shift = 4 * (pin & 7);
    GPIO_AFR(port, pin) = (GPIO_AFR(port, pin) & ~(15u << shift)) | ((uint32_t)HIL_UART_AF << shift);
    GPIO_PUPDR(port) = (GPIO_PUPDR(port) & ~(3u << 2 * pin)) | (pull << 2 * pin);
    GPIO_MODER(port) = (GPIO_MODER(port) & ~(3u << 2 * pin)) | (GPIO_MODE_AF << 2 * pin);
}

static void uart_init(void) {
    RCC_IOPENR |= (1u << HIL_UART_TX_PORT) | (1u << HIL_UART_RX_PORT);
    #if HIL_UART == 1
    RCC_APBENR2 |= RCC_APBENR2_USART1EN;
    (void)RCC_APBENR2; // reading it back gives the clock time to start
    #else
    RCC_APBENR1 |= RCC_APBENR1_USART2EN;
    (void)RCC_APBENR1;
    #endif
    pin_af(HIL_UART_TX_PORT, HIL_UART_TX_PIN, 0);
    // A pull-up keeps an unconnected RX at idle instead of picking up noise.
    pin_af(HIL_UART_RX_PORT, HIL_UART_RX_PIN, GPIO_PULL_UP);
    // The kernel clock is PCLK = SYSCLK (USART1SEL's reset value; USART2 has
    // no choice). Oversampling by 16: BRR = fck / baud, rounded: 556,
    // 115108 baud, 0.08% slow.
    USART_BRR = (SYSCLK_HZ + HIL_BAUD / 2) / HIL_BAUD;
    USART_CR1 = USART_CR1_UE | USART_CR1_RE | USART_CR1_TE; // 8N1, no FIFO
}

// Polled: the host sends one frame and waits for the answer, and the booter
// takes each byte in far less than a byte time (87 us, 5,500 cycles), so
// RXNE is enough. An overrun (ORE), framing, noise or parity error sets a
// flag that is cleared here: a lost or damaged byte costs one frame, which
// the protocol's CRC catches and the host sends again, and never stops the
// receiver.
int hil_board_getc(void) {
    for (;;) {
        uint32_t isr = USART_ISR;
        if (isr & USART_ISR_ERRORS) {
            USART_ICR = USART_ICR_ERRORS;
        }
        if (isr & USART_ISR_RXNE) {
            return (uint8_t)USART_RDR;
        }
    }
}

// The booter polls the link and the mailbox without sleeping: a board has
// no host core to give back, and a probe then needs nothing to wake it.
void hil_board_idle(void) {
}

const uint32_t hil_board_wake[2] = {0, 0};

// Error flags are cleared here too, as in hil_board_getc(): an overrun
// blocks RXNE until ORE is cleared, and the booter only reads the link once
// this says a byte is waiting.
int hil_board_rx_ready(void) {
    uint32_t isr = USART_ISR;
    if (isr & USART_ISR_ERRORS) {
        USART_ICR = USART_ICR_ERRORS;
    }
    return (isr & USART_ISR_RXNE) != 0;
}

void hil_board_write(const uint8_t *data, size_t len) {
    while (len--) {
        while (!(USART_ISR & USART_ISR_TXE)) {
        }
        USART_TDR = *data++;
    }
}

// --- Cycle counter -----------------------------------------------------------
// SysTick counts core clock cycles (64 MHz) down through 24 bits and wraps
// every 2^24 cycles (262 ms); its interrupt adds 2^24 to a 64-bit total. The
// G030 has no 32-bit timer (TIM2 is on the G031 and up; TIM1/3/14/16/17 are
// 16-bit), and SysTick counts the CPU clock itself, so one count is one
// cycle. A reading combines the total with the current value; if the
// counter wrapped since the last interrupt (the interrupt is pending, which
// it stays while interrupts are masked here), the wrap is added and the
// value read again, as it may have been read before the wrap. The interrupt
// costs some 30 cycles every 16.8 million, which the counts include.

static volatile uint64_t cycles_high;

static void systick_init(void) {
    SYST_RVR = SYST_MAX;
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_CLKSOURCE_CPU | SYST_CSR_TICKINT | SYST_CSR_ENABLE;
}

void board_systick_irq(void) {
    cycles_high += 1u << SYST_PERIOD_BITS;
}

uint64_t hil_board_cycles(void) {
    uint32_t primask = irq_save();
    uint64_t high = cycles_high;
    uint32_t value = SYST_CVR;
    if (SCB_ICSR & SCB_ICSR_PENDSTSET) {
        high += 1u << SYST_PERIOD_BITS;
        value = SYST_CVR;
    }
    irq_restore(primask);
    return high + (SYST_MAX - value);
}

uint32_t hil_board_clock_hz(void) {
    return SYSCLK_HZ;
}

// --- Reset and faults --------------------------------------------------------

void hil_board_reset(void) {
    // Let the last frame (a fault's STATUS) leave the shift register: a
    // reset cuts the line. Bounded, in case the USART is not running.
    for (uint32_t n = 1000000; n && !(USART_ISR & USART_ISR_TC); n--) {
    }
    cortex_m0_system_reset();
}

// --- Board facts and init ----------------------------------------------------

const char *hil_board_name(void) {
    return HIL_BOARD_NAME;
}

void board_init(void) {
    // Booted from main flash, which is also mapped at 0: the table is
    // reached either way, and VTOR names it where it was linked.
    SCB_VTOR = (uint32_t)(uintptr_t)_svectors;
    clock_init();
    uart_init();
    systick_init();
}
