using System.CommandLine;
using System.Net.Sockets;
using Broker.Disks.Chains;
using Broker.Nbd;

namespace Broker.Cli.Disk;

/// <summary>
/// <c>disk serve PATH --socket SOCK [--read-only] [--export NAME]</c>: serves a VHDX file (with its
/// parents) over NBD on a unix socket until Ctrl+C or SIGTERM, then stops the server, flushes and
/// closes the chain and exits with 130 (cancelled).
/// </summary>
internal static class ServeCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var path = DiskOptions.Path("PATH", "The VHDX file to serve; writes go to it, its parents are only read.");
        var socket = new Option<string>("--socket") { Description = "Unix socket to listen on; must not exist yet.", Required = true };
        var readOnly = new Option<bool>("--read-only") { Description = "Open the chain read-only and refuse writes." };
        var export = new Option<string>("--export") { Description = "Export name (default: the empty, default export).", DefaultValueFactory = _ => string.Empty };
        var command = new Command(
            "serve",
            "Serve a VHDX file or chain over NBD on a unix socket until Ctrl+C or SIGTERM. Prints the nbd+unix URI clients (qemu, qemu-img, nbdinfo) open. The files must not be in use by anything else.")
        {
            path,
            socket,
            readOnly,
            export,
        };
        CommandAction.Set(command, environment, async (parseResult, cancellationToken) =>
        {
            var diskPath = parseResult.GetRequiredValue(path);
            var socketPath = Path.GetFullPath(parseResult.GetRequiredValue(socket));
            var exportName = parseResult.GetRequiredValue(export);
            var isReadOnly = parseResult.GetValue(readOnly);
            if (File.Exists(socketPath))
            {
                throw new UsageException($"'{socketPath}' exists; remove it if no server listens on it.");
            }

            var device = await ChainBlockDevice.OpenAsync(environment.Storage, diskPath, isReadOnly, cancellationToken).ConfigureAwait(false);
            await using (device.ConfigureAwait(false))
            {
                var server = new NbdServer();
                await using (server.ConfigureAwait(false))
                {
                    server.AddExport(exportName, device, isReadOnly);
                    server.Start(new UnixDomainSocketEndPoint(socketPath));
                    var mode = isReadOnly ? "read-only" : "read-write";
                    await environment.Out.WriteLineAsync($"serving {diskPath} ({mode}, {DiskOptions.Human(device.Size)}) at {NbdUri.ForUnixSocket(exportName, socketPath)}").ConfigureAwait(false);
                    await environment.Out.FlushAsync(cancellationToken).ConfigureAwait(false);

                    // Ends only by cancellation; the disposals then stop the server and flush the chain.
                    await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
