using System.Buffers;
using System.Buffers.Binary;
using Broker.Vhdx.Format;

namespace Broker.Vhdx;

public sealed partial class VhdxFile
{
    private const int PageSize = VhdxLayout.LogSectorSize;

    /// <summary>Where the next log entry goes, relative to the log start.</summary>
    private long _logPosition;
    private ulong _logSequence;

    /// <summary>
    /// Largest number of pages in one log entry: a third of the log, so a new entry never
    /// overwrites the previous one when it wraps (a torn new entry must leave the previous intact).
    /// </summary>
    private int MaxPagesPerCommit => (int)Math.Max(MaxPagesPerBlockWrite + 1, (_header.LogLength / 3 / PageSize) - 2);

    /// <summary>
    /// Makes every earlier write durable: flushes the payload, then commits the gathered BAT and
    /// sector bitmap changes as one log entry (log written and flushed, then applied and flushed).
    /// </summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        await FlushCoreAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>True when writes changed block allocation or sector bitmaps that no <see cref="FlushAsync"/> has committed yet.</summary>
    public bool HasPendingMetadata => _dirtyBatPages.Count + _dirtyBitmapPages.Count > 0;

    /// <summary>
    /// Makes the payload of every write completed before the call durable, and nothing else: block
    /// allocation and sector bitmap changes stay pending (<see cref="HasPendingMetadata"/>) until
    /// <see cref="FlushAsync"/>. Unlike the other members this may run concurrently with writes, so
    /// a writer keeps writing while earlier payload reaches the disk.
    /// </summary>
    public ValueTask FlushPayloadAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        return IsReadOnly ? ValueTask.CompletedTask : _file.FlushAsync(cancellationToken);
    }

    private async ValueTask FlushCoreAsync(CancellationToken cancellationToken)
    {
        if (IsReadOnly)
        {
            return;
        }

        if (_dirtyBatPages.Count + _dirtyBitmapPages.Count > 0)
        {
            await CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (_payloadUnflushed)
        {
            await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
            _payloadUnflushed = false;
        }
    }

    private async ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        var pages = CollectDirtyPages();
        var count = pages.Count;
        var descriptorSectors = LogEntryHeader.DescriptorSectorCount(count);
        var entryLength = (descriptorSectors + count) * PageSize;
        var entry = ArrayPool<byte>.Shared.Rent(entryLength);
        var images = ArrayPool<byte>.Shared.Rent(count * PageSize);
        try
        {
            // 1. Payload (and file growth) durable before any entry that references it.
            await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
            _payloadUnflushed = false;

            // 2. A fresh LogGuid in the headers before the log region is overwritten this session.
            if (_header.LogGuid == Guid.Empty)
            {
                await WriteHeadersAsync(_header.DataWriteGuid, Guid.NewGuid(), cancellationToken).ConfigureAwait(false);
                _logPosition = 0;
            }

            if (_logPosition + entryLength > _header.LogLength)
            {
                _logPosition = 0;
            }

            // 3. The entry: every page written and applied before has been flushed, so the entry is
            //    its own tail and replay never needs an older one.
            var sequence = ++_logSequence;
            var body = entry.AsSpan(0, entryLength);
            body.Clear();
            new LogEntryHeader(
                (uint)entryLength,
                (uint)_logPosition,
                sequence,
                (uint)count,
                _header.LogGuid,
                (ulong)(_file.Length / VhdxLayout.MiB * VhdxLayout.MiB),
                (ulong)VhdxLayout.RoundUp(_fileEnd, VhdxLayout.MiB)).Write(body);
            for (var i = 0; i < count; i++)
            {
                var image = images.AsSpan(i * PageSize, PageSize);
                FillPageImage(pages[i], image);
                var sector = body.Slice((descriptorSectors + i) * PageSize, PageSize);
                LogDataSector.Write(image, (ulong)pages[i].FileOffset, sequence, sector)
                    .Write(body[(int)LogEntryHeader.DescriptorOffset(i)..]);
            }

            Crc32C.Stamp(body);
            await _file.WriteAsync((long)_header.LogOffset + _logPosition, entry.AsMemory(0, entryLength), cancellationToken).ConfigureAwait(false);
            await _file.FlushAsync(cancellationToken).ConfigureAwait(false);

            // 4. Apply to the final places, then flush.
            for (var i = 0; i < count; i++)
            {
                await _file.WriteAsync(pages[i].FileOffset, images.AsMemory(i * PageSize, PageSize), cancellationToken).ConfigureAwait(false);
            }

            await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
            _logPosition += entryLength;
            _dirtyBatPages.Clear();
            _dirtyBitmapPages.Clear();
        }
        catch
        {
            // Memory now disagrees with the file in unknown ways: refuse further use (reopen replays).
            _faulted = true;
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(entry);
            ArrayPool<byte>.Shared.Return(images);
        }
    }

    /// <summary>Every dirty bitmap and BAT page, in file order; one entry carries them all, so they commit atomically.</summary>
    private List<DirtyPage> CollectDirtyPages()
    {
        var pages = new List<DirtyPage>(_dirtyBatPages.Count + _dirtyBitmapPages.Count);
        foreach (var offset in _dirtyBitmapPages)
        {
            pages.Add(new DirtyPage(offset, -1));
        }

        foreach (var page in _dirtyBatPages)
        {
            pages.Add(new DirtyPage(_batOffset + (page * PageSize), page));
        }

        pages.Sort((a, b) => a.FileOffset.CompareTo(b.FileOffset));
        return pages;
    }

    private void FillPageImage(DirtyPage page, Span<byte> image)
    {
        if (page.BatPage < 0)
        {
            _bitmapPages[page.FileOffset].CopyTo(image);
            return;
        }

        const int EntriesPerPage = PageSize / BatEntry.Size;
        var first = page.BatPage * EntriesPerPage;
        for (var i = 0; i < EntriesPerPage; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(image[(i * BatEntry.Size)..], _bat[first + i]);
        }
    }

    /// <summary>
    /// Updates both headers (non-current slot first, each flushed) with new GUIDs; the first
    /// update of a session also puts a new FileWriteGuid in (reference 3.5).
    /// </summary>
    private async ValueTask WriteHeadersAsync(Guid dataWriteGuid, Guid logGuid, CancellationToken cancellationToken)
    {
        if (!_fileWriteGuidRenewed)
        {
            _sessionFileWriteGuid = Guid.NewGuid();
            _fileWriteGuidRenewed = true;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(VhdxHeader.Size);
        try
        {
            for (var copy = 0; copy < 2; copy++)
            {
                var next = _header with
                {
                    SequenceNumber = _header.SequenceNumber + 1,
                    FileWriteGuid = _sessionFileWriteGuid,
                    DataWriteGuid = dataWriteGuid,
                    LogGuid = logGuid,
                };
                var slot = 1 - _currentHeaderSlot;
                next.Write(buffer);
                await _file.WriteAsync(HeaderOffset(slot), buffer.AsMemory(0, VhdxHeader.Size), cancellationToken).ConfigureAwait(false);
                await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
                _header = next;
                _currentHeaderSlot = slot;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Commits what is pending and sets LogGuid back to zero: a closed file has nothing to replay.</summary>
    private async ValueTask CloseSessionAsync(CancellationToken cancellationToken)
    {
        await FlushCoreAsync(cancellationToken).ConfigureAwait(false);
        if (_header.LogGuid != Guid.Empty)
        {
            await WriteHeadersAsync(_header.DataWriteGuid, Guid.Empty, cancellationToken).ConfigureAwait(false);
        }
    }

    private readonly record struct DirtyPage(long FileOffset, long BatPage);
}
