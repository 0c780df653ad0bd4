using Broker.Nbd.Internal;

namespace Broker.Nbd;

/// <summary>
/// A quiesced export: no request is executing and new ones wait (clients see latency, never an
/// error). Disposing resumes the export; if the device was replaced, the previous device is flushed
/// first, so a later NBD_CMD_FLUSH also covers writes acknowledged before the swap.
/// </summary>
public sealed class NbdExportPause : IAsyncDisposable
{
    private readonly NbdExport _export;
    private IBlockDevice? _previous;
    private bool _disposed;

    internal NbdExportPause(NbdExport export)
    {
        _export = export;
    }

    /// <summary>The quiesced export.</summary>
    public string ExportName => _export.Name;

    /// <summary>The device requests will go to when the export resumes.</summary>
    public IBlockDevice Device => _export.Gate.Device;

    /// <summary>
    /// Makes <paramref name="device"/> serve every request after the pause. It must have the same
    /// size and block sizes and at least the capabilities the export advertises. Don't dispose the
    /// previous device before this pause is disposed: it is flushed then.
    /// </summary>
    public void ReplaceDevice(IBlockDevice device)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _export.CheckReplacement(device);
        _previous ??= _export.Gate.Device;
        _export.Gate.Replace(device);
    }

    /// <summary>Flushes the replaced device (if any), then resumes the export.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (_previous is { } previous && !ReferenceEquals(previous, _export.Gate.Device)
                && (previous.Capabilities & BlockDeviceCapabilities.Flush) != 0)
            {
                await previous.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            _export.Gate.Open();
        }
    }
}
