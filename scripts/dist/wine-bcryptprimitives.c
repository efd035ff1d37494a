/* For the tests only, never shipped: Rust's standard library takes its random bytes from
 * ProcessPrng in bcryptprimitives.dll, which every Windows since 10 has and Debian 12's wine (8.0)
 * does not. scripts/dist/test builds this stand-in beside the .exe it runs under wine; it fills
 * the buffer from advapi32's RtlGenRandom (SystemFunction036), which wine has. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) {
            return FALSE;
        }
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
