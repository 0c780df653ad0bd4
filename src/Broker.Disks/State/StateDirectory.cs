using Broker.Vhdx.Storage;

namespace Broker.Disks.State;

/// <summary>A directory whose contents are named by one twin-copy store kept in it (a layer chain, the base images).</summary>
internal static class StateDirectory
{
    /// <summary>
    /// Deletes every file of <paramref name="directory"/> except the files of the twin-copy store
    /// <paramref name="storeName"/> and <paramref name="named"/>, then flushes the directory if
    /// anything went. This is how a store drops what an interrupted change left behind.
    /// </summary>
    public static async Task RemoveUnnamedAsync(IStorage storage, string directory, string storeName, IReadOnlySet<string> named, CancellationToken cancellationToken)
    {
        var storeFiles = TwinCopyStore.FileNames(storeName);
        var removed = false;
        foreach (var path in storage.ListFiles(directory).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            if (!storeFiles.Contains(name, StringComparer.Ordinal) && !named.Contains(name))
            {
                await storage.DeleteAsync(path, cancellationToken).ConfigureAwait(false);
                removed = true;
            }
        }

        if (removed)
        {
            await storage.FlushDirectoryAsync(directory, cancellationToken).ConfigureAwait(false);
        }
    }
}
