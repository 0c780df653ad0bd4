using System.Collections.Concurrent;

namespace Broker.Nbd.Internal;

/// <summary>The exports of one server by name (ordinal, case-sensitive as NBD names are).</summary>
internal sealed class ExportCatalog
{
    private readonly ConcurrentDictionary<string, NbdExport> _exports = new(StringComparer.Ordinal);

    public bool TryAdd(NbdExport export) => _exports.TryAdd(export.Name, export);

    public bool TryRemove(string name) => _exports.TryRemove(name, out _);

    public NbdExport? Find(string name) => _exports.TryGetValue(name, out var export) ? export : null;

    /// <summary>A snapshot of the exports, ordered by name.</summary>
    public NbdExport[] Snapshot()
    {
        var exports = _exports.Values.ToArray();
        Array.Sort(exports, static (left, right) => string.CompareOrdinal(left.Name, right.Name));
        return exports;
    }
}
