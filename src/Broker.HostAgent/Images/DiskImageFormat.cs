namespace Broker.HostAgent.Images;

/// <summary>The disk image formats a gold image may arrive in, told apart by their content, not their name.</summary>
internal enum DiskImageFormat
{
    /// <summary>Anything without a known signature: the disk's bytes as they are.</summary>
    Raw,

    /// <summary>Starts with the file type identifier <c>vhdxfile</c> (MS-VHDX 2.2.1).</summary>
    Vhdx,

    /// <summary>Starts with the magic <c>QFI\xfb</c>; converted to raw by qemu-img on import.</summary>
    Qcow2,
}

/// <summary>Reads the format of a disk image file from its first bytes.</summary>
internal static class DiskImageFormats
{
    private static readonly byte[] VhdxSignature = "vhdxfile"u8.ToArray();
    private static readonly byte[] Qcow2Magic = [(byte)'Q', (byte)'F', (byte)'I', 0xfb];

    public static async Task<DiskImageFormat> DetectAsync(string path, CancellationToken cancellationToken)
    {
        var head = new byte[VhdxSignature.Length];
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous);
        await using (file.ConfigureAwait(false))
        {
            var read = await file.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            return head.AsSpan(0, read) switch
            {
                var bytes when bytes.StartsWith(VhdxSignature) => DiskImageFormat.Vhdx,
                var bytes when bytes.StartsWith(Qcow2Magic) => DiskImageFormat.Qcow2,
                _ => DiskImageFormat.Raw,
            };
        }
    }
}
