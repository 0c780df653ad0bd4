; Churn guest: every boot writes WRITES_PER_BOOT sectors of pseudo-random data, each stamped with a
; global sequence number, to slots spread over the whole disk, after first verifying every earlier
; write that is still live. Prints "verify ok B sectors M" (B = this boot's number, M = sectors
; verified) or "verify bad LBA X" (the first sector whose content is not what its last write put
; there), then powers off.
;
; Disk layout (512-byte sectors):
;   LBA 0            boot sector: loads the rest of this program from LBA 1
;   LBA 1..3         the rest of this program
;   LBA HEADER_LBA   header: magic, version, boots completed, seed, total writes, slot count,
;                    slot spacing, writes per boot (little-endian dwords); zero on a fresh disk
;   LBA DATA_START.. data slots: slot j is at DATA_START + j * spacing
;
; Write s (0, 1, 2, ...) goes to slot (s * ODD_MULTIPLIER) mod slot count. The slot count is a power
; of two, so any slot-count consecutive writes hit distinct slots and the live writes are exactly
; the last ones. Only the last (slots - WRITES_PER_BOOT) writes are verified: a boot cut short after
; some of its data writes but before its header write overwrote only slots outside that window.
; The header is written after the data, so a verified boot never depends on a lost header.

bits 16
org 0x7C00

STAGE2_SECTORS  equ 3
HEADER_LBA      equ 8
DATA_START      equ 16
WRITES_PER_BOOT equ 128
MAX_SLOTS       equ 4096
HEADER_MAGIC    equ 0x4E524843  ; "CHRN"
DATA_MAGIC      equ 0x53524843  ; "CHRS"
ODD_MULTIPLIER  equ 0x9E3779B1
SEED_MIX        equ 0x9E3779B9

BUFFER          equ 0x9000      ; sector read from disk
EXPECT          equ 0x9200      ; sector the guest expects or writes
HEADER          equ 0x9400      ; header sector
PARAMS          equ 0x9600      ; INT 13h AH=48h drive parameters

H_MAGIC         equ HEADER + 0
H_VERSION       equ HEADER + 4
H_BOOTS         equ HEADER + 8
H_SEED          equ HEADER + 12
H_WRITES        equ HEADER + 16
H_SLOTS         equ HEADER + 20
H_SPACING       equ HEADER + 24
H_PER_BOOT      equ HEADER + 28

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
    mov eax, 1
    mov cx, STAGE2_SECTORS
    mov bx, stage2
    call disk_read
    jc disk_error
    jmp stage2

disk_error:
    mov si, error_message
    call puts
    jmp poweroff

%include "bios.inc"

error_message:  db "disk error", 13, 10, 0
boot_drive:     db 0
dap:            times 16 db 0

    times 510 - ($ - $$) db 0
    dw 0xAA55

stage2:
    mov eax, HEADER_LBA
    mov cx, 1
    mov bx, HEADER
    call disk_read
    jc disk_error
    cmp dword [H_MAGIC], HEADER_MAGIC
    je .verify
    call format_header

.verify:
    ; first = max(0, writes - (slots - per boot))
    mov eax, [H_SLOTS]
    sub eax, [H_PER_BOOT]
    mov ebx, [H_WRITES]
    xor ecx, ecx
    cmp ebx, eax
    jbe .window
    mov ecx, ebx
    sub ecx, eax
.window:
    mov [sequence], ecx
.verify_next:
    mov eax, [sequence]
    cmp eax, [H_WRITES]
    jae .verified
    call fill_expected
    mov eax, [EXPECT + 8]
    mov cx, 1
    mov bx, BUFFER
    call disk_read
    jc disk_error
    mov si, BUFFER
    mov di, EXPECT
    mov cx, 128
    repe cmpsd
    jne verify_bad
    inc dword [verified]
    inc dword [sequence]
    jmp .verify_next

.verified:
    inc dword [H_BOOTS]
    mov eax, [H_WRITES]
    mov [sequence], eax
    add eax, [H_PER_BOOT]
    mov [write_end], eax
.write_next:
    mov eax, [sequence]
    cmp eax, [write_end]
    jae .written
    call fill_expected
    mov eax, [EXPECT + 8]
    mov cx, 1
    mov bx, EXPECT
    call disk_write
    jc disk_error
    inc dword [sequence]
    jmp .write_next

.written:
    mov eax, [write_end]
    mov [H_WRITES], eax
    mov eax, HEADER_LBA
    mov cx, 1
    mov bx, HEADER
    call disk_write
    jc disk_error

    mov si, ok_message
    call puts
    mov eax, [H_BOOTS]
    call putdec
    mov si, sectors_message
    call puts
    mov eax, [verified]
    call putdec
    mov si, newline
    call puts
    jmp poweroff

verify_bad:
    mov si, bad_message
    call puts
    mov eax, [EXPECT + 8]
    call putdec
    mov si, newline
    call puts
    jmp poweroff

; Fresh disk: choose a seed and the slot geometry from the disk size, in memory only (the header
; reaches the disk after this boot's data writes).
format_header:
    mov di, HEADER
    mov cx, 128
    xor eax, eax
    rep stosd
    mov dword [H_MAGIC], HEADER_MAGIC
    mov dword [H_VERSION], 1
    mov dword [H_PER_BOOT], WRITES_PER_BOOT
    xor ax, ax
    mov es, ax
    mov eax, [0x46C]            ; BIOS tick count
    mov ebx, eax
    rdtsc
    xor eax, ebx
    or eax, 1
    mov [H_SEED], eax

    mov word [PARAMS], 0x1E
    mov ah, 0x48
    mov dl, [boot_drive]
    mov si, PARAMS
    int 0x13
    jc disk_error
    mov eax, [PARAMS + 0x10]    ; total sectors, low dword
    cmp dword [PARAMS + 0x14], 0
    je .size
    mov eax, 0xFFFFFFFF
.size:
    sub eax, DATA_START
    jbe too_small
    mov ebx, MAX_SLOTS
.slots:
    cmp ebx, eax
    jbe .slots_found
    shr ebx, 1
    jmp .slots
.slots_found:
    cmp ebx, 2 * WRITES_PER_BOOT
    jb too_small
    mov [H_SLOTS], ebx
    xor edx, edx
    div ebx
    mov [H_SPACING], eax
    ret

too_small:
    mov si, small_message
    call puts
    jmp poweroff

; Fills EXPECT with the content of write EAX: magic, sequence, LBA, boot that wrote it, then
; xorshift32 output seeded from the disk seed and the sequence.
fill_expected:
    push eax
    mov [EXPECT + 4], eax
    mov dword [EXPECT], DATA_MAGIC
    mov ebx, ODD_MULTIPLIER
    imul eax, ebx
    mov ebx, [H_SLOTS]
    dec ebx
    and eax, ebx
    mul dword [H_SPACING]
    add eax, DATA_START
    mov [EXPECT + 8], eax
    mov eax, [EXPECT + 4]
    xor edx, edx
    div dword [H_PER_BOOT]
    inc eax
    mov [EXPECT + 12], eax
    pop eax
    mov ebx, SEED_MIX
    imul eax, ebx
    xor eax, [H_SEED]
    jnz .seeded
    inc eax
.seeded:
    mov di, EXPECT + 16
    mov cx, 124
.next:
    mov ebx, eax
    shl ebx, 13
    xor eax, ebx
    mov ebx, eax
    shr ebx, 17
    xor eax, ebx
    mov ebx, eax
    shl ebx, 5
    xor eax, ebx
    stosd
    loop .next
    ret

ok_message:      db "verify ok ", 0
sectors_message: db " sectors ", 0
bad_message:     db "verify bad LBA ", 0
small_message:   db "disk too small", 13, 10, 0
newline:         db 13, 10, 0
sequence:        dd 0
write_end:       dd 0
verified:        dd 0

    times (1 + STAGE2_SECTORS) * 512 - ($ - $$) db 0
