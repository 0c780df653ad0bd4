using Broker.Vhdx.Storage;

namespace Broker.Vhdx;

/// <summary>
/// The marker of a shared base: a read-only disk that several children link to, which
/// <see cref="VhdxMerge"/> refuses to merge into unless forced. A file <c>PATH</c> is a shared
/// base when a sibling file <c>PATH.base</c> exists (its content is ignored). A sibling file
/// rather than a metadata item, so marking never changes the disk's DataWriteGuid (which its
/// children link to).
/// </summary>
public static class VhdxSharedBase
{
    /// <summary>What is appended to a disk's path to name its marker.</summary>
    public const string MarkerSuffix = ".base";

    /// <summary>The marker path of <paramref name="path"/>.</summary>
    public static string MarkerPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return path + MarkerSuffix;
    }

    /// <summary>True when <paramref name="path"/> is marked as a shared base.</summary>
    public static bool IsMarked(IStorage storage, string path)
    {
        ArgumentNullException.ThrowIfNull(storage);
        return storage.FileExists(MarkerPath(path));
    }
}
