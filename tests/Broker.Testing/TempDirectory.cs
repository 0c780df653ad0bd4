namespace Broker.Testing;

/// <summary>A fresh directory under the system temp path, deleted with everything in it on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string? prefix = null)
    {
        Path = Directory.CreateTempSubdirectory(prefix ?? "broker-test-").FullName;
    }

    public string Path { get; }

    /// <summary>A path inside this directory (not created).</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone: nothing to clean up.
        }
    }
}
