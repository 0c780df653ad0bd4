using Broker.Transfer.Client;

namespace Broker.ClientAgent.Desktops;

/// <summary>A diverged local branch as the user sees it.</summary>
/// <param name="Name">Its short name, e.g. <c>diverged-001</c>.</param>
/// <param name="Path">Its directory: a whole layer chain on the desktop's base.</param>
/// <param name="Layers">Its layer files (sealed layers and top).</param>
/// <param name="Bytes">What its files take on disk.</param>
/// <param name="LastWrittenAt">When a file of it was last written: its last local change.</param>
internal sealed record DivergedBranch(string Name, string Path, int Layers, long Bytes, DateTimeOffset LastWrittenAt)
{
    /// <summary>Describes the branch at <paramref name="path"/> from its files.</summary>
    public static DivergedBranch Describe(string path)
    {
        var files = new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).ToList();
        return new DivergedBranch(
            DivergedBranches.NameOf(path),
            path,
            files.Count(file => file.Extension is ".vhdx" or ".avhdx"),
            files.Sum(file => file.Length),
            files.Count == 0 ? new DirectoryInfo(path).LastWriteTimeUtc : files.Max(file => file.LastWriteTimeUtc));
    }
}
