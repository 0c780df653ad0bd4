namespace Broker.Testing.Storage;

public sealed partial class CrashingStorage
{
    private const int SectorSize = 512;

    /// <summary>
    /// The on-disk state a power loss at this moment may leave, chosen by <paramref name="mode"/>
    /// and <paramref name="seed"/> (same inputs, same state), as a fresh storage for the "reboot":
    /// everything in it is durable, no file is open, counters start at zero. This storage is left
    /// as it was, so one crashed run can be materialised in every mode.
    /// </summary>
    public CrashingStorage Materialise(CrashMode mode, int seed = 0)
    {
        lock (_lock)
        {
            var random = new Random(seed);
            var names = new Dictionary<string, SimulatedFile>(_durableNames, StringComparer.Ordinal);
            var keptNameOperations = mode switch
            {
                CrashMode.DropUnflushed or CrashMode.LoseUnflushedNames => 0,
                CrashMode.KeepUnflushed or CrashMode.TearLastWrite512 or CrashMode.TearLastWrite4096 => _pendingNames.Count,
                CrashMode.KeepRandomSubset => random.Next(_pendingNames.Count + 1),
                _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
            };
            foreach (var operation in _pendingNames.Take(keptNameOperations))
            {
                operation.ApplyTo(names);
            }

            var lastWrite = _names.Values.Concat(_durableNames.Values)
                .Concat(_pendingNames.Select(operation => operation.File).OfType<SimulatedFile>())
                .SelectMany(file => file.Pending)
                .Where(operation => operation.IsWrite)
                .MaxBy(operation => operation.Sequence);

            var rebooted = new CrashingStorage();
            rebooted._directories.UnionWith(_directories);
            rebooted._nextFileId = _nextFileId;
            var survivors = new Dictionary<SimulatedFile, SimulatedFile>();
            foreach (var (path, file) in names.OrderBy(entry => entry.Value.Id).ThenBy(entry => entry.Key, StringComparer.Ordinal))
            {
                if (!survivors.TryGetValue(file, out var survivor))
                {
                    var content = SurvivingContent(file, mode, random, lastWrite);
                    survivor = new SimulatedFile(file.Id, content.Clone(), content, []);
                    survivors.Add(file, survivor);
                }

                rebooted._names.Add(path, survivor);
                rebooted._durableNames.Add(path, survivor);
            }

            return rebooted;
        }
    }

    private static SparseContent SurvivingContent(SimulatedFile file, CrashMode mode, Random random, DataOperation? lastWrite)
    {
        switch (mode)
        {
            case CrashMode.DropUnflushed:
                return file.Durable.Clone();
            case CrashMode.KeepUnflushed:
            case CrashMode.LoseUnflushedNames:
                return file.Current.Clone();
            case CrashMode.KeepRandomSubset:
                var subset = file.Durable.Clone();
                foreach (var operation in file.Pending)
                {
                    if (operation.Data is null)
                    {
                        if (random.Next(2) == 0)
                        {
                            operation.ApplyTo(subset);
                        }
                    }
                    else
                    {
                        var pieces = Pieces(operation, SectorSize);
                        WritePieces(subset, operation, pieces, pieces.Select(_ => random.Next(2) == 0).ToArray());
                    }
                }

                return subset;
            case CrashMode.TearLastWrite512:
            case CrashMode.TearLastWrite4096:
                var torn = file.Durable.Clone();
                foreach (var operation in file.Pending)
                {
                    if (ReferenceEquals(operation, lastWrite))
                    {
                        var pieces = Pieces(operation, mode == CrashMode.TearLastWrite512 ? SectorSize : 4096);
                        WritePieces(torn, operation, pieces, TearChoice(pieces.Count, random));
                    }
                    else
                    {
                        operation.ApplyTo(torn);
                    }
                }

                return torn;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, null);
        }
    }

    /// <summary>Which pieces of a torn write land: any subset, but new and old both present when it has two or more.</summary>
    private static bool[] TearChoice(int count, Random random)
    {
        var kept = new bool[count];
        for (var index = 0; index < count; index++)
        {
            kept[index] = random.Next(2) == 0;
        }

        if (count >= 2 && kept.All(value => value == kept[0]))
        {
            var flip = random.Next(count);
            kept[flip] = !kept[flip];
        }

        return kept;
    }

    /// <summary>The write cut at absolute multiples of <paramref name="granularity"/>: (start within data, length).</summary>
    private static List<(int Start, int Length)> Pieces(DataOperation write, int granularity)
    {
        var pieces = new List<(int Start, int Length)>();
        var data = write.Data!;
        var start = 0;
        while (start < data.Length)
        {
            var position = write.Offset + start;
            var length = (int)Math.Min(data.Length - start, granularity - (position % granularity));
            pieces.Add((start, length));
            start += length;
        }

        return pieces;
    }

    private static void WritePieces(SparseContent content, DataOperation write, List<(int Start, int Length)> pieces, bool[] kept)
    {
        for (var index = 0; index < pieces.Count; index++)
        {
            if (kept[index])
            {
                var (start, length) = pieces[index];
                content.Write(write.Offset + start, write.Data.AsSpan(start, length));
            }
        }
    }
}
