; Halt guest: prints "halted" on COM1 and the screen, then halts forever with interrupts off.
; It never reacts to ACPI, so a power-down request is ignored: the guest for shutdown-escalation tests.

bits 16
org 0x7C00

start:
    cli
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7C00
    sti
    cld
    call uart_init
    mov si, message
    call puts
    mov dx, COM1_LSR
.drain:
    in al, dx
    test al, LSR_TEMT
    jz .drain
.halt:
    cli
    hlt
    jmp .halt

%include "bios.inc"

message:        db "halted", 13, 10, 0
boot_drive:     db 0
dap:            times 16 db 0

    times 510 - ($ - $$) db 0
    dw 0xAA55
