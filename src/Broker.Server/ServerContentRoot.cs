namespace Broker.Server;

/// <summary>Where broker-server looks for appsettings.json and wwwroot.</summary>
internal static class ServerContentRoot
{
    /// <summary>
    /// <see langword="null"/> (the host's own choice) when the command line or the
    /// <c>ASPNETCORE_</c>/<c>DOTNET_</c> environment names a content root; otherwise the
    /// executable's directory, not the working directory.
    /// </summary>
    public static string? Resolve(string[] args)
    {
        var configured = new ConfigurationBuilder()
            .AddEnvironmentVariables("DOTNET_")
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddCommandLine(args)
            .Build()[HostDefaults.ContentRootKey];
        return string.IsNullOrEmpty(configured) ? AppContext.BaseDirectory : null;
    }
}
