using Broker.Contracts.V1;
using Broker.Core.Desktops.Commands;
using Broker.Core.Pools;
using Google.Protobuf.WellKnownTypes;
using CoreCommand = Broker.Core.Desktops.Commands.AgentCommand;
using WireCommand = Broker.Contracts.V1.AgentCommand;

namespace Broker.Server.Agents;

/// <summary>The wire form of the state machine's and the reconciler's commands.</summary>
internal static class AgentCommandMessages
{
    /// <summary>The message that carries <paramref name="command"/>, with a fresh command id.</summary>
    public static WireCommand From(CoreCommand command, LeaseSigner leases)
    {
        ArgumentNullException.ThrowIfNull(command);
        var message = new WireCommand
        {
            CommandId = Guid.NewGuid().ToString(),
            DesktopId = command.Desktop.ToString(),
            Epoch = (ulong)command.Epoch.Value,
        };
        switch (command)
        {
            case ProvisionDesktop provision:
                message.Kind = AgentCommandKind.ProvisionDesktop;
                message.ImageId = provision.Image.ToString();
                break;
            case StartDesktop start:
                message.Kind = AgentCommandKind.StartDesktop;
                message.Retention = ToWire(start.Retention);
                break;
            case StopDesktop:
                message.Kind = AgentCommandKind.StopDesktop;
                break;
            case StopAndSeal:
                message.Kind = AgentCommandKind.StopAndSeal;
                break;
            case LockServerCopy:
                message.Kind = AgentCommandKind.LockServerCopy;
                break;
            case UnlockAndResume:
                message.Kind = AgentCommandKind.UnlockAndResume;
                break;
            case ServeTransfer serve:
                message.Kind = AgentCommandKind.ServeTransfer;
                message.DeviceId = serve.Client.ToString();
                break;
            case AcceptDevicePushes accept:
                message.Kind = AgentCommandKind.AcceptDevicePushes;
                message.DeviceId = accept.Writer.ToString();
                break;
            case CommitCheckIn commit:
                message.Kind = AgentCommandKind.CommitCheckIn;
                message.LayerId = commit.FinalLayer.ToString();
                break;
            case QuarantineLatePushes quarantine:
                message.Kind = AgentCommandKind.QuarantineLatePushes;
                message.DeviceId = quarantine.RevokedDevice.ToString();
                message.RevokedEpoch = (ulong)quarantine.RevokedEpoch.Value;
                break;
            case ResetToImage reset:
                message.Kind = AgentCommandKind.ResetToImage;
                message.ImageId = reset.Image.ToString();
                break;
            case RollBackToSnapshot rollBack:
                message.Kind = AgentCommandKind.RollBackToSnapshot;
                message.LayerId = rollBack.Snapshot.ToString();
                break;
            case DeleteDesktop:
                message.Kind = AgentCommandKind.DeleteDesktop;
                break;
            case PromoteQuarantinedLayer promote:
                message.Kind = AgentCommandKind.PromoteQuarantinedLayer;
                message.LayerId = promote.Layer.ToString();
                break;
            case StartPull pull:
                message.Kind = AgentCommandKind.StartPull;
                message.HostId = pull.Source.ToString();
                break;
            case PauseTransfer:
                message.Kind = AgentCommandKind.PauseTransfer;
                break;
            case ResumeTransfer:
                message.Kind = AgentCommandKind.ResumeTransfer;
                break;
            case CancelTransfer:
                message.Kind = AgentCommandKind.CancelTransfer;
                break;
            case GrantLease grant:
                message.Kind = AgentCommandKind.GrantLease;
                message.Lease = leases.Sign(grant.Desktop, grant.Device, grant.Epoch, grant.Term);
                break;
            case RenewLease renew:
                message.Kind = AgentCommandKind.RenewLease;
                message.Lease = leases.Sign(renew.Desktop, renew.Device, renew.Epoch, renew.Term);
                break;
            case SyncNow:
                message.Kind = AgentCommandKind.SyncNow;
                break;
            case BeginCheckIn:
                message.Kind = AgentCommandKind.BeginCheckIn;
                break;
            case CancelCheckIn:
                message.Kind = AgentCommandKind.CancelCheckIn;
                break;
            case ReleaseLocalCopy:
                message.Kind = AgentCommandKind.ReleaseLocalCopy;
                break;
            case RevokeLocalCopy revoke:
                message.Kind = AgentCommandKind.RevokeLocalCopy;
                message.Wipe = revoke.Wipe;
                break;
            default:
                throw new ArgumentException($"No wire form for {command.GetType().Name}.", nameof(command));
        }

        return message;
    }

    private static SnapshotRetention ToWire(RetentionPolicy retention) => new()
    {
        Hourly = (uint)retention.Hourly,
        Daily = (uint)retention.Daily,
        Weekly = (uint)retention.Weekly,
        Interval = Duration.FromTimeSpan(retention.SnapshotInterval),
    };
}
