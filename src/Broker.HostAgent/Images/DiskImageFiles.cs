using Broker.Contracts.Images;

namespace Broker.HostAgent.Images;

/// <summary>Reads the format of a disk image file from its first bytes (<see cref="DiskImageFormats.Detect"/>).</summary>
internal static class DiskImageFiles
{
    public static async Task<DiskImageFormat> DetectAsync(string path, CancellationToken cancellationToken)
    {
        var head = new byte[DiskImageFormats.SignatureLength];
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous);
        await using (file.ConfigureAwait(false))
        {
            var read = await file.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            return DiskImageFormats.Detect(head.AsSpan(0, read));
        }
    }
}
