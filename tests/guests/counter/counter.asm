; Counter guest: a boot sector that counts its own boots in a disk sector.
; Each boot reads the 32-bit little-endian counter at offset 0 of LBA 1, adds one, writes the sector
; back, prints "boot count N" on COM1 and the screen, and powers off. A zeroed disk prints 1 first.
; Disk errors print "disk error" and power off without a count.

bits 16
org 0x7C00

COUNTER_LBA equ 1
BUFFER      equ 0x8000          ; one sector, well clear of the code and the stack

start:
    cli
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7C00
    sti
    cld
    mov [boot_drive], dl
    call uart_init

    mov eax, COUNTER_LBA
    mov cx, 1
    mov bx, BUFFER
    call disk_read
    jc disk_error
    inc dword [BUFFER]
    call disk_write
    jc disk_error

    mov si, message
    call puts
    mov eax, [BUFFER]
    call putdec
    mov si, newline
    call puts
    jmp poweroff

disk_error:
    mov si, error_message
    call puts
    jmp poweroff

%include "bios.inc"

message:        db "boot count ", 0
newline:        db 13, 10, 0
error_message:  db "disk error", 13, 10, 0
boot_drive:     db 0
dap:            times 16 db 0

    times 510 - ($ - $$) db 0
    dw 0xAA55
