using Broker.Disks.Images;
using Broker.Disks.Layers;
using Broker.Vhdx.Storage;

namespace Broker.Transfer.Client;

/// <summary>
/// The local chains a pull set aside because they diverged from the host's (<see cref="ChainPuller"/>):
/// each a whole layer directory <c>&lt;chain&gt;.diverged-&lt;nnn&gt;</c> beside the chain, kept as it
/// was, with its manifest, layers, top and its own reference to the base. Nothing here deletes a
/// branch unless asked to (<see cref="DiscardAsync"/>).
/// </summary>
public static class DivergedBranches
{
    private const string Suffix = ".diverged-";
    private const string DiscardingSuffix = ".discarding-";

    /// <summary>The branches set aside beside <paramref name="layerDirectory"/>, oldest first (full paths).</summary>
    public static IReadOnlyList<string> List(string layerDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(layerDirectory);
        var full = Path.GetFullPath(layerDirectory);
        var parent = Path.GetDirectoryName(full)!;
        return Directory.Exists(parent)
            ? [.. Directory.EnumerateDirectories(parent, Path.GetFileName(full) + Suffix + "*").Order(StringComparer.Ordinal)]
            : [];
    }

    /// <summary>A branch's short name, e.g. <c>diverged-001</c>.</summary>
    public static string NameOf(string branch)
    {
        ArgumentException.ThrowIfNullOrEmpty(branch);
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(branch));
        var at = name.LastIndexOf(Suffix, StringComparison.Ordinal);
        return at < 0 ? name : name[(at + 1)..];
    }

    /// <summary>
    /// Renames the chain in <paramref name="layerDirectory"/> to the next free branch name beside it
    /// and flushes the parent directory; returns the branch's path. Its base reference goes with it.
    /// </summary>
    internal static async Task<string> SetAsideAsync(IStorage storage, string layerDirectory, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(layerDirectory);
        var taken = List(full).Count;
        string target;
        do
        {
            target = $"{full}{Suffix}{++taken:D3}";
        }
        while (Directory.Exists(target));

        Directory.Move(full, target);
        await storage.FlushDirectoryAsync(Path.GetDirectoryName(full)!, cancellationToken).ConfigureAwait(false);
        return target;
    }

    /// <summary>
    /// Deletes the branch at <paramref name="branch"/> (a path <see cref="List"/> gave) and drops its
    /// base reference. It is first renamed out of the list (flushed), then its reference dropped, then
    /// its files deleted; a kill part-way leaves at worst a renamed remnant, which the next discard
    /// beside it deletes (keeping a reference it may have held: a base kept longer, never one lost).
    /// </summary>
    public static async Task DiscardAsync(IStorage storage, BaseImageStore bases, string branch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(bases);
        ArgumentException.ThrowIfNullOrEmpty(branch);
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(branch));
        var parent = Path.GetDirectoryName(full)!;
        string? baseAddress;
        try
        {
            await using var store = await LayerStore.OpenAsync(storage, full, null, cancellationToken).ConfigureAwait(false);
            baseAddress = store.Manifest.BaseAddress;
        }
        catch (FileNotFoundException)
        {
            baseAddress = null; // no committed chain: it holds no reference
        }

        var discarding = Path.Combine(parent, Path.GetFileName(full).Replace(Suffix, DiscardingSuffix, StringComparison.Ordinal));
        Directory.Move(full, discarding);
        await storage.FlushDirectoryAsync(parent, cancellationToken).ConfigureAwait(false);
        if (baseAddress is not null && bases.Find(baseAddress) is { References: > 0 })
        {
            _ = await bases.ReleaseAsync(baseAddress, cancellationToken).ConfigureAwait(false);
        }

        foreach (var remnant in Directory.EnumerateDirectories(parent, "*" + DiscardingSuffix + "*"))
        {
            Directory.Delete(remnant, recursive: true);
        }

        await storage.FlushDirectoryAsync(parent, cancellationToken).ConfigureAwait(false);
    }
}
