using Broker.Vhdx.Storage;

namespace Broker.Vhdx;

public sealed partial class VhdxFile
{
    private bool _writesEnded;

    /// <summary>
    /// Renews the DataWriteGuid now, as the session's first write would (reference 3.4), so that a
    /// child created afterwards keeps linking to this file through the session's later writes.
    /// Does nothing when the session already did, or on a read-only file.
    /// </summary>
    public async ValueTask BeginChangesAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        if (!IsReadOnly)
        {
            await BeginVisibleChangeAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Ends the writable life of a file that stays open, e.g. a top sealed while a child already
    /// reads through it: commits what is pending and closes the log (LogGuid back to zero), as
    /// <see cref="DisposeAsync"/> does; afterwards the file is read-only (writes throw). Reads of
    /// this file (directly or through a child) may run concurrently with this call: it changes none
    /// of the in-memory metadata they use and rewrites only metadata pages with what memory already
    /// holds. Nothing else may. Does nothing on a file opened read-only.
    /// </summary>
    public async ValueTask EndWritesAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        if (IsReadOnly)
        {
            return;
        }

        try
        {
            await CloseSessionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _faulted = true;
            throw;
        }

        _writesEnded = true;
    }

    /// <summary>
    /// After <see cref="EndWritesAsync"/>: swaps the writable handle for a read-only one, so that
    /// other readers may open the file (a writable handle excludes them). No other operation on this
    /// file, or through it, may run meanwhile. Does nothing when the handle is read-only already.
    /// </summary>
    /// <exception cref="InvalidOperationException">Writes have not been ended.</exception>
    public async ValueTask SwitchToReadOnlyHandleAsync(IStorage storage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ThrowIfDisposed();
        if (!_file.CanWrite)
        {
            return;
        }

        if (!_writesEnded)
        {
            throw new InvalidOperationException($"'{_path}' still takes writes; end them first.");
        }

        await _file.DisposeAsync().ConfigureAwait(false);
        try
        {
            _file = await storage.OpenAsync(_path, StorageOpenMode.OpenReadOnly, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // The old handle is gone: the file cannot be used any more.
            _disposed = true;
            throw;
        }
    }
}
