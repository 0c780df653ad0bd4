namespace Broker.Vhdx.Storage;

/// <summary>
/// The one door every durable byte goes through (design §7): files opened here, renames, deletes
/// and directory flushes. Production uses <see cref="FileStorage"/>; tests use a double that can
/// crash after any operation and materialise any on-disk state a real crash may leave.
/// </summary>
/// <remarks>
/// Durability contract: a write is durable only after <see cref="IStorageFile.FlushAsync"/> on
/// its file returns; a create, rename or delete is durable only after
/// <see cref="FlushDirectoryAsync"/> on the directory that holds the name.
/// </remarks>
public interface IStorage
{
    /// <summary>Opens a file; see <see cref="StorageOpenMode"/> for what each mode requires.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist and the mode needs it to.</exception>
    /// <exception cref="IOException">The file exists and the mode is <see cref="StorageOpenMode.CreateNew"/>.</exception>
    ValueTask<IStorageFile> OpenAsync(string path, StorageOpenMode mode, CancellationToken cancellationToken);

    /// <summary>True when a file exists at <paramref name="path"/>.</summary>
    bool FileExists(string path);

    /// <summary>Names of the files directly in <paramref name="directory"/> (full paths, any order).</summary>
    IReadOnlyList<string> ListFiles(string directory);

    /// <summary>Creates the directory and its parents if missing.</summary>
    void CreateDirectory(string directory);

    /// <summary>Renames a file, atomically replacing any file at <paramref name="destination"/>.</summary>
    ValueTask RenameAsync(string source, string destination, CancellationToken cancellationToken);

    /// <summary>Deletes a file; deleting a missing file is not an error.</summary>
    ValueTask DeleteAsync(string path, CancellationToken cancellationToken);

    /// <summary>Makes creates, renames and deletes of names in <paramref name="directory"/> durable.</summary>
    ValueTask FlushDirectoryAsync(string directory, CancellationToken cancellationToken);
}
