using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Broker.Testing.Vhdx;

/// <summary>
/// The VHDX fixtures of <see cref="RepoPaths.VhdxFixtures"/>, decompressed on first use into one
/// temporary directory per test process (deleted at exit). Callers must not modify these copies;
/// use <see cref="CopyAsync"/> for a private, writable copy.
/// </summary>
public static class VhdxFixtures
{
    private static readonly Lazy<string> CacheDirectory = new(CreateCache);
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Decompressed = new(StringComparer.Ordinal);

    /// <summary>Path of the decompressed fixture <paramref name="name"/> (e.g. "swap.vhdx"); decompresses once.</summary>
    public static Task<string> GetAsync(string name) =>
        Decompressed.GetOrAdd(name, key => new Lazy<Task<string>>(() => DecompressAsync(key, CacheDirectory.Value, CancellationToken.None))).Value;

    /// <summary>Decompresses fixture <paramref name="name"/> into <paramref name="directory"/> under its own name.</summary>
    public static async Task<string> DecompressAsync(string name, string directory, CancellationToken cancellationToken)
    {
        var target = Path.Combine(directory, name);
        var gz = Path.Combine(RepoPaths.VhdxFixtures, name + ".gz");
        var bz2 = Path.Combine(RepoPaths.VhdxFixtures, name + ".bz2");
        await using (var output = File.Create(target))
        {
            if (File.Exists(gz))
            {
                await using var input = File.OpenRead(gz);
                await using var gzip = new GZipStream(input, CompressionMode.Decompress);
                await gzip.CopyToAsync(output, cancellationToken);
            }
            else if (File.Exists(bz2))
            {
                var startInfo = new ProcessStartInfo("bunzip2") { RedirectStandardOutput = true, UseShellExecute = false };
                startInfo.ArgumentList.Add("-c");
                startInfo.ArgumentList.Add(bz2);
                using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start bunzip2.");
                await process.StandardOutput.BaseStream.CopyToAsync(output, cancellationToken);
                await process.WaitForExitAsync(cancellationToken);
                if (process.ExitCode != 0)
                {
                    throw new InvalidOperationException($"bunzip2 {bz2} exited with {process.ExitCode}.");
                }
            }
            else
            {
                throw new FileNotFoundException($"No fixture {name}(.gz|.bz2) in {RepoPaths.VhdxFixtures}.");
            }
        }

        return target;
    }

    /// <summary>A private copy of the decompressed fixture in <paramref name="directory"/>, for tests that write.</summary>
    public static async Task<string> CopyAsync(string name, string directory, CancellationToken cancellationToken)
    {
        var source = await GetAsync(name);
        var target = Path.Combine(directory, name);
        await using var input = File.OpenRead(source);
        await using var output = File.Create(target);
        await input.CopyToAsync(output, cancellationToken);
        return target;
    }

    /// <summary>Lowercase hex SHA-256 of a whole file.</summary>
    public static async Task<string> FileSha256Async(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    private static string CreateCache()
    {
        var directory = Directory.CreateTempSubdirectory("broker-vhdx-fixtures-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: the temp directory is cleaned by the system otherwise.
            }
        };
        return directory;
    }
}
