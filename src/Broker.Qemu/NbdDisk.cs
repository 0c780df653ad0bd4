namespace Broker.Qemu;

/// <summary>A disk the VM reads and writes through an NBD server on a unix socket.</summary>
/// <param name="SocketPath">The NBD server's unix socket.</param>
/// <param name="ExportName">The export to open; empty for the server's default export.</param>
public sealed record NbdDisk(string SocketPath, string ExportName = "");
