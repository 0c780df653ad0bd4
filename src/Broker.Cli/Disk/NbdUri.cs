namespace Broker.Cli.Disk;

/// <summary>The NBD URI of an export on a unix socket, as qemu and libnbd take it (<c>nbd+unix:///EXPORT?socket=PATH</c>).</summary>
internal static class NbdUri
{
    public static string ForUnixSocket(string exportName, string socketPath) =>
        $"nbd+unix:///{Escape(exportName)}?socket={Escape(socketPath)}";

    // Percent-encodes what would end or split the part, keeping '/' readable (it splits nothing here).
    private static string Escape(string value) => Uri.EscapeDataString(value).Replace("%2F", "/", StringComparison.Ordinal);
}
