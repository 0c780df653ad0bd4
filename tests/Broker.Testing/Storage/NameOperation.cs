namespace Broker.Testing.Storage;

/// <summary>
/// An unflushed create, rename or delete. <see cref="Directories"/> are the directories whose
/// flush makes it durable (a rename between directories becomes durable with a flush of either).
/// </summary>
internal sealed record NameOperation(
    long Sequence,
    string Description,
    string? Source,
    string? Destination,
    SimulatedFile? File,
    IReadOnlyList<string> Directories)
{
    public static NameOperation Create(long sequence, string path, SimulatedFile file) =>
        new(sequence, $"create {path}", null, path, file, [ParentOf(path)]);

    public static NameOperation Rename(long sequence, string source, string destination) =>
        new(sequence, $"rename {source} -> {destination}", source, destination, null, [.. new[] { ParentOf(source), ParentOf(destination) }.Distinct()]);

    public static NameOperation Delete(long sequence, string path) =>
        new(sequence, $"delete {path}", path, null, null, [ParentOf(path)]);

    public static string ParentOf(string path) => Path.GetDirectoryName(path) ?? "/";

    /// <summary>Applies the operation to a name → file map; an operation whose source is absent does nothing.</summary>
    public void ApplyTo(Dictionary<string, SimulatedFile> names)
    {
        if (File is not null)
        {
            names[Destination!] = File;
        }
        else if (Destination is null)
        {
            _ = names.Remove(Source!);
        }
        else if (names.Remove(Source!, out var moved))
        {
            names[Destination] = moved;
        }
    }

    public NameOperation WithFile(SimulatedFile? file) => this with { File = file };
}
