namespace Broker.Vhdx.Storage;

/// <summary>How <see cref="IStorage.OpenAsync"/> opens a file.</summary>
public enum StorageOpenMode
{
    /// <summary>An existing file, read only.</summary>
    OpenReadOnly,

    /// <summary>An existing file, read and write.</summary>
    OpenReadWrite,

    /// <summary>A new, empty file, read and write; fails if the name exists.</summary>
    CreateNew,
}
