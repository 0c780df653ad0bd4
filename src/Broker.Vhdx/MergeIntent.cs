using System.Globalization;
using System.Text;
using Broker.Vhdx.Storage;

namespace Broker.Vhdx;

/// <summary>
/// The record of a merge in progress, kept beside the child as <c>CHILD.merging</c>: which parent
/// the child is being merged into and the parent identity the child links to. Once a merge has
/// written into the parent, the parent's DataWriteGuid no longer matches the child's
/// <c>parent_linkage</c>, so this record is what lets a re-run find and finish the merge.
/// </summary>
/// <remarks>Format: UTF-8 text, lines <c>parent=FULL PATH</c> and <c>linkage=GUID</c>.</remarks>
internal sealed record MergeIntent(string ParentPath, Guid ParentLinkage)
{
    public const string Suffix = ".merging";

    /// <summary>Longest record read; anything longer is not ours.</summary>
    private const int MaxSize = 64 * 1024;

    private const string ParentKey = "parent=";
    private const string LinkageKey = "linkage=";

    public static string PathFor(string childPath) => childPath + Suffix;

    public static async Task<MergeIntent> ReadAsync(IStorage storage, string path, CancellationToken cancellationToken)
    {
        var file = await storage.OpenAsync(path, StorageOpenMode.OpenReadOnly, cancellationToken).ConfigureAwait(false);
        await using (file.ConfigureAwait(false))
        {
            if (file.Length > MaxSize)
            {
                throw new VhdxFormatException("merge record", 0, $"the record is {file.Length} bytes, more than {MaxSize}", path);
            }

            var buffer = new byte[file.Length];
            var read = await file.ReadAsync(0, buffer, cancellationToken).ConfigureAwait(false);
            return Parse(buffer.AsSpan(0, read), path);
        }
    }

    /// <summary>Writes the record durably: a temporary name, flushed, renamed over, directory flushed.</summary>
    public async Task WriteAsync(IStorage storage, string path, CancellationToken cancellationToken)
    {
        var temporary = path + VhdxConvert.TemporarySuffix;
        await storage.DeleteAsync(temporary, cancellationToken).ConfigureAwait(false);
        var file = await storage.OpenAsync(temporary, StorageOpenMode.CreateNew, cancellationToken).ConfigureAwait(false);
        await using (file.ConfigureAwait(false))
        {
            var text = string.Create(CultureInfo.InvariantCulture, $"{ParentKey}{ParentPath}\n{LinkageKey}{ParentLinkage:D}\n");
            await file.WriteAsync(0, Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        await storage.RenameAsync(temporary, path, cancellationToken).ConfigureAwait(false);
        await storage.FlushDirectoryAsync(VhdxConvert.DirectoryOf(path), cancellationToken).ConfigureAwait(false);
    }

    private static MergeIntent Parse(ReadOnlySpan<byte> data, string path)
    {
        string? parent = null;
        Guid? linkage = null;
        foreach (var line in Encoding.UTF8.GetString(data).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith(ParentKey, StringComparison.Ordinal))
            {
                parent = line[ParentKey.Length..];
            }
            else if (line.StartsWith(LinkageKey, StringComparison.Ordinal) && Guid.TryParse(line.AsSpan(LinkageKey.Length), out var guid))
            {
                linkage = guid;
            }
        }

        if (parent is not { Length: > 0 } || linkage is null)
        {
            throw new VhdxFormatException("merge record", 0, "the record lacks a parent path or a linkage GUID", path);
        }

        return new MergeIntent(parent, linkage.Value);
    }
}
