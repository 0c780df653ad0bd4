using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace Broker.Vhdx.Storage;

/// <summary>fsync of a directory (POSIX), which .NET has no API for: makes renames durable.</summary>
[SuppressMessage("Interoperability", "SYSLIB1054", Justification = "DllImport keeps the library free of unsafe code; three calls, no hot path.")]
internal static class DirectorySync
{
    private const int OpenReadOnly = 0;
    private const int OpenDirectory = 0x10000; // O_DIRECTORY on Linux x86-64 and arm64

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
