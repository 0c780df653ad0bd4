using System.CommandLine;
using System.CommandLine.Parsing;
using Broker.Contracts.Tls;
using Broker.HostAgent.Enrollment;
using Broker.HostAgent.Images;
using Grpc.Core;
using Microsoft.Extensions.Hosting;

namespace Broker.HostAgent;

/// <summary>The command line of <c>broker-host</c>: <c>enroll</c>, <c>run</c> and <c>image import</c>.</summary>
internal static class HostAgentCommandLine
{
    private const string DefaultDataDirectory = "/var/lib/broker-host";

    public static RootCommand Create()
    {
        var root = new RootCommand("Broker host agent: runs desktops in QEMU on VHDX chains, serves and receives their disk layers.");
        root.Subcommands.Add(Enroll());
        root.Subcommands.Add(Run());
        var image = new Command("image", "Gold images on this host.");
        image.Subcommands.Add(ImportImage());
        root.Subcommands.Add(image);
        return root;
    }

    private static Option<string> DataDirectory() =>
        new("--data-dir") { Description = "Where the host agent keeps its state.", DefaultValueFactory = _ => DefaultDataDirectory };

    private static Command Enroll()
    {
        var server = new Option<Uri>("--server")
        {
            Description = "The broker's address, e.g. https://broker.example:5001.",
            Required = true,
            CustomParser = ParseBrokerAddress,
        };
        var token = new Option<string>("--token") { Description = "The one-time enrollment token an admin created.", Required = true };
        var fingerprint = new Option<CertificatePin?>("--fingerprint")
        {
            Description = "Trust exactly the broker TLS certificate with this SHA-256 fingerprint (SHA256:…), e.g. a self-signed one; 'brokerctl admin hosts add' prints it.",
            CustomParser = ParseFingerprint,
        };
        var dataDirectory = DataDirectory();
        var command = new Command("enroll", "Enroll this host with the broker (once).") { server, token, fingerprint, dataDirectory };
        command.SetAction(async (result, cancellationToken) =>
        {
            var pin = result.GetValue(fingerprint);
            try
            {
                var identity = await HostEnrollment.EnrollAsync(result.GetRequiredValue(server), result.GetRequiredValue(token), pin, result.GetRequiredValue(dataDirectory), null, cancellationToken).ConfigureAwait(false);
                await result.InvocationConfiguration.Output.WriteLineAsync($"Enrolled as host {identity.AgentId}.").ConfigureAwait(false);
                return 0;
            }
            catch (RpcException exception)
            {
                var why = pin?.DescribeRefusal(exception) ?? exception.Status.Detail;
                await result.InvocationConfiguration.Error.WriteLineAsync($"broker-host: enrollment failed ({exception.StatusCode}): {why}").ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    private static CertificatePin? ParseFingerprint(ArgumentResult result)
    {
        try
        {
            return CertificatePin.Parse(result.Tokens.Single().Value);
        }
        catch (FormatException exception)
        {
            result.AddError(exception.Message);
            return null;
        }
    }

    private static Command Run()
    {
        var dataDirectory = DataDirectory();
        var command = new Command("run", "Run the host agent (systemd: Type=notify).") { dataDirectory };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (result, cancellationToken) =>
        {
            var directory = Path.GetFullPath(result.GetRequiredValue(dataDirectory));
            if (await HostIdentity.LoadAsync(directory, cancellationToken).ConfigureAwait(false) is not { } identity)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync($"{directory} holds no enrollment; run 'broker-host enroll' first.").ConfigureAwait(false);
                return 2;
            }

            string[] args = [.. result.UnmatchedTokens, $"--Broker:DataDirectory={directory}"];
            await using var app = HostAgentApp.Build(args, identity);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command ImportImage()
    {
        var file = new Argument<string>("file") { Description = "A VHDX, qcow2 or raw disk image (told apart by content)." };
        var imageId = new Option<string?>("--image-id") { Description = "The broker's id of this image, so provision orders find it." };
        var dataDirectory = DataDirectory();
        var command = new Command("import", "Import a gold image into the base store; prints its content address.") { file, imageId, dataDirectory };
        command.SetAction(async (result, cancellationToken) =>
        {
            var paths = new HostAgentPaths(Path.GetFullPath(result.GetRequiredValue(dataDirectory)));
            await using var catalog = await ImageCatalog.OpenAsync(paths, cancellationToken).ConfigureAwait(false);
            try
            {
                var address = await catalog.ImportAsync(result.GetRequiredValue(file), result.GetValue(imageId), cancellationToken).ConfigureAwait(false);
                await result.InvocationConfiguration.Output.WriteLineAsync(address).ConfigureAwait(false);
                return 0;
            }
            catch (ImageImportException refused)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync(refused.Message).ConfigureAwait(false);
                return 2;
            }
        });
        return command;
    }

    /// <summary>An absolute http or https URL; anything else is a parse error naming the value.</summary>
    private static Uri? ParseBrokerAddress(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        if (Uri.TryCreate(text, UriKind.Absolute, out var address) && (address.Scheme == Uri.UriSchemeHttp || address.Scheme == Uri.UriSchemeHttps))
        {
            return address;
        }

        result.AddError($"'{text}' is not a broker address: give an absolute http or https URL, e.g. https://broker.example:5001.");
        return null;
    }
}
