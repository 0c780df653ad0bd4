using System.Text.Json;

namespace Broker.Cli.Admin;

/// <summary>
/// <c>$XDG_CONFIG_HOME/broker/brokerctl.json</c> (<c>~/.config/…</c> when the variable is unset):
/// the stored login, readable by its owner only (0600, directory 0700).
/// </summary>
internal sealed class AdminConfigFile(string path)
{
    public string Path { get; } = path;

    public static AdminConfigFile Locate(AdminEnvironment environment)
    {
        var configHome = environment.GetVariable("XDG_CONFIG_HOME");
        if (string.IsNullOrEmpty(configHome))
        {
            var home = environment.GetVariable("HOME");
            if (string.IsNullOrEmpty(home))
            {
                throw new UsageException("neither XDG_CONFIG_HOME nor HOME is set: nowhere to keep the login.");
            }

            configHome = System.IO.Path.Combine(home, ".config");
        }

        return new AdminConfigFile(System.IO.Path.Combine(configHome, "broker", "brokerctl.json"));
    }

    /// <summary>The stored login, or null when there is none.</summary>
    public async Task<AdminConfig?> ReadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path))
        {
            return null;
        }

        try
        {
            var stream = File.OpenRead(Path);
            await using (stream.ConfigureAwait(false))
            {
                return await JsonSerializer.DeserializeAsync(stream, AdminJsonContext.Default.AdminConfig, cancellationToken).ConfigureAwait(false)
                    ?? throw new UsageException($"{Path} is empty; run 'brokerctl admin login' again.");
            }
        }
        catch (JsonException exception)
        {
            throw new UsageException($"{Path} is not a brokerctl config ({exception.Message}); run 'brokerctl admin login' again.", exception);
        }
    }

    /// <summary>Replaces the stored login atomically; the file is created 0600, so the token is never readable by others.</summary>
    public async Task WriteAsync(AdminConfig config, CancellationToken cancellationToken)
    {
        var directory = System.IO.Path.GetDirectoryName(Path)!;
        var temporary = Path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            File.Delete(temporary); // the create mode applies only to a new file
        }

        var stream = new FileStream(temporary, options);
        await using (stream.ConfigureAwait(false))
        {
            await JsonSerializer.SerializeAsync(stream, config, AdminJsonContext.Default.AdminConfig, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, Path, overwrite: true);
    }

    /// <summary>Removes the stored login; true when there was one.</summary>
    public bool Delete()
    {
        var existed = File.Exists(Path);
        File.Delete(Path);
        return existed;
    }
}
