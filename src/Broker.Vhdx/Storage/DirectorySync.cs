using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace Broker.Vhdx.Storage;

/// <summary>fsync of a directory (POSIX), which .NET has no API for: makes renames durable.</summary>
[SuppressMessage("Interoperability", "SYSLIB1054", Justification = "DllImport keeps the library free of unsafe code; three calls, no hot path.")]
internal static class DirectorySync
{
    private const int OpenReadOnly = 0;

    // O_DIRECTORY differs by architecture (asm-generic 0200000; arm, arm64 and powerpc 040000,
    // where 0200000 means O_DIRECT, which directories refuse on some file systems). It only adds a
    // check that the path is a directory, so where the value is not known it is left out.
    private static readonly int OpenDirectory = !OperatingSystem.IsLinux() ? 0 : RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 or Architecture.X86 or Architecture.RiscV64 or Architecture.LoongArch64 or Architecture.S390x => 0x10000,
        Architecture.Arm or Architecture.Arm64 or Architecture.Ppc64le => 0x4000,
        _ => 0,
    };

    public static void Flush(string directory)
    {
        var descriptor = Open(directory, OpenReadOnly | OpenDirectory);
        if (descriptor < 0)
        {
            throw new IOException($"Cannot open directory '{directory}' to flush it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(descriptor) != 0)
            {
                throw new IOException($"fsync of directory '{directory}' failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int descriptor);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int descriptor);
}
