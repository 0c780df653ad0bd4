namespace Broker.Vhdx.Format;

/// <summary>
/// Finds the active sequence of a log (reference 10.5) and turns it into replay updates (10.6).
/// The log is hostile input: every entry is bounded by the log, checksummed before its descriptors
/// are trusted, and the total checksum work is capped so a crafted log cannot make the scan quadratic.
/// </summary>
internal static class LogReader
{
    private const int Sector = VhdxLayout.LogSectorSize;

    public static LogReplayPlan? FindActiveSequence(byte[] log, Guid logGuid, long logFileOffset, string path)
    {
        var length = log.Length;
        var budget = new WorkBudget((3L * length) + VhdxLayout.MiB);
        List<(long Position, LogEntryHeader Header)>? candidate = null;
        long currentTail = 0;
        long oldTail = 0;
        var maxIterations = (length / Sector) + 2;
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            var sequence = new List<(long Position, LogEntryHeader Header)>();
            var position = currentTail;
            while (sequence.Count <= length / Sector
                && TryValidateEntry(log, position, logGuid, budget, logFileOffset, path, out var header)
                && (sequence.Count == 0 || header.SequenceNumber == sequence[^1].Header.SequenceNumber + 1))
            {
                sequence.Add((position, header));
                position = (position + header.EntryLength) % length;
            }

            if (sequence.Count > 0
                && TailIsInside(sequence, sequence[^1].Header.Tail)
                && (candidate is null || sequence[^1].Header.SequenceNumber > candidate[^1].Header.SequenceNumber))
            {
                candidate = sequence;
            }

            currentTail = sequence.Count == 0 ? (currentTail + Sector) % length : position;
            if (currentTail < oldTail)
            {
                break;
            }

            oldTail = currentTail;
        }

        return candidate is null ? null : BuildPlan(log, candidate, logFileOffset, path);
    }

    private static bool TailIsInside(List<(long Position, LogEntryHeader Header)> sequence, uint tail)
    {
        foreach (var (position, _) in sequence)
        {
            if (position == tail)
            {
                return true;
            }
        }

        return false;
    }

    private static bool TryValidateEntry(byte[] log, long position, Guid logGuid, WorkBudget budget, long logFileOffset, string path, out LogEntryHeader header)
    {
        if (!LogEntryHeader.TryRead(log.AsSpan((int)position, Sector), out header)
            || header.EntryLength == 0
            || header.EntryLength % Sector != 0
            || header.EntryLength > log.Length
            || header.SequenceNumber == 0
            || header.LogGuid != logGuid
            || header.Tail % Sector != 0
            || header.Tail >= log.Length)
        {
            return false;
        }

        var descriptorSectors = LogEntryHeader.DescriptorSectorCount(header.DescriptorCount);
        if ((long)descriptorSectors * Sector > header.EntryLength)
        {
            return false;
        }

        budget.Spend(header.EntryLength, logFileOffset + position, path);
        var entry = Materialize(log, position, header.EntryLength);
        if (!Crc32C.Verify(entry))
        {
            return false;
        }

        long dataSectors = 0;
        for (long i = 0; i < header.DescriptorCount; i++)
        {
            if (!LogDescriptor.TryRead(entry.AsSpan((int)LogEntryHeader.DescriptorOffset(i), LogDescriptor.Size), out var descriptor)
                || descriptor.SequenceNumber != header.SequenceNumber
                || descriptor.FileOffset % Sector != 0
                || (descriptor.IsZero && descriptor.ZeroLength % Sector != 0))
            {
                return false;
            }

            if (!descriptor.IsZero)
            {
                var sectorOffset = (descriptorSectors + dataSectors) * Sector;
                if (sectorOffset + Sector > header.EntryLength
                    || !LogDataSector.IsValid(entry.AsSpan((int)sectorOffset, Sector), header.SequenceNumber))
                {
                    return false;
                }

                dataSectors++;
            }
        }

        return true;
    }

    private static byte[] Materialize(byte[] log, long position, uint entryLength)
    {
        var entry = new byte[entryLength];
        var first = (int)Math.Min(entryLength, log.Length - position);
        log.AsSpan((int)position, first).CopyTo(entry);
        log.AsSpan(0, (int)entryLength - first).CopyTo(entry.AsSpan(first));
        return entry;
    }

    private static LogReplayPlan BuildPlan(byte[] log, List<(long Position, LogEntryHeader Header)> sequence, long logFileOffset, string path)
    {
        var head = sequence[^1].Header;
        var start = sequence.FindIndex(item => item.Position == head.Tail);
        var updates = new List<LogUpdate>();
        for (var index = start; index < sequence.Count; index++)
        {
            var (position, header) = sequence[index];
            var entry = Materialize(log, position, header.EntryLength);
            var entryFileOffset = logFileOffset + position;
            var descriptorSectors = LogEntryHeader.DescriptorSectorCount(header.DescriptorCount);
            long dataSectors = 0;
            for (long i = 0; i < header.DescriptorCount; i++)
            {
                LogDescriptor.TryRead(entry.AsSpan((int)LogEntryHeader.DescriptorOffset(i), LogDescriptor.Size), out var descriptor);
                var updateLength = descriptor.IsZero ? (long)descriptor.ZeroLength : Sector;
                CheckTarget((long)descriptor.FileOffset, updateLength, descriptor.FileOffset, logFileOffset, log.Length, entryFileOffset, path);
                if (descriptor.IsZero)
                {
                    updates.Add(new LogUpdate((long)descriptor.FileOffset, updateLength, null));
                    continue;
                }

                var data = new byte[Sector];
                LogDataSector.Rebuild(entry.AsSpan((int)((descriptorSectors + dataSectors) * Sector), Sector), descriptor, data);
                updates.Add(new LogUpdate((long)descriptor.FileOffset, Sector, data));
                dataSectors++;
            }
        }

        if (head.FlushedFileOffset > VhdxLayout.MaxReplayFileLength || head.LastFileOffset > VhdxLayout.MaxReplayFileLength)
        {
            throw new VhdxFormatException("log entry", logFileOffset + sequence[^1].Position, "FlushedFileOffset or LastFileOffset is absurdly large", path);
        }

        return new LogReplayPlan(updates, (long)head.FlushedFileOffset, (long)head.LastFileOffset, sequence[^1].Position, head.SequenceNumber);
    }

    private static void CheckTarget(long target, long length, ulong rawTarget, long logFileOffset, long logLength, long entryFileOffset, string path)
    {
        // Updates may touch region tables, metadata, BAT and bitmaps, never the identifier, the
        // headers (they locate the log) or the log itself.
        if (rawTarget > VhdxLayout.MaxReplayFileLength
            || length > VhdxLayout.MaxReplayFileLength
            || target + length > VhdxLayout.MaxReplayFileLength
            || target < VhdxLayout.RegionTable1Offset
            || (target < logFileOffset + logLength && logFileOffset < target + length))
        {
            throw new VhdxFormatException("log descriptor", entryFileOffset, $"update of {length} bytes at file offset {rawTarget} targets a protected or impossible range", path);
        }
    }

    private sealed class WorkBudget(long limit)
    {
        private long _remaining = limit;

        public void Spend(long bytes, long fileOffset, string path)
        {
            _remaining -= bytes;
            if (_remaining < 0)
            {
                throw new VhdxFormatException("log", fileOffset, "log scan exceeded its work bound (overlapping crafted entries)", path);
            }
        }
    }
}
