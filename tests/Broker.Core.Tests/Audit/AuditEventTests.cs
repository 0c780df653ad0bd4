using Broker.Core.Audit;
using Broker.Core.Desktops;
using Broker.Core.Desktops.Events;
using Broker.Core.Tests.Desktops;

namespace Broker.Core.Tests.Audit;

public sealed class AuditEventTests
{
    [Fact]
    public void ForTransition_AcceptedRevoke_RecordsTheStateAndEpochChange()
    {
        // Arrange
        var before = DesktopSamples.InState(DesktopState.CheckedOut);
        var @event = new RevokeRequested(before.Epoch, WipeLocalCopy: true);
        var result = DesktopStateMachine.Apply(before, @event);

        // Act
        var entry = AuditEvent.ForTransition(Guid.NewGuid(), DesktopSamples.Start, "admin", before, @event, result);

        // Assert
        entry.Action.ShouldBe("desktop.RevokeRequested");
        entry.Target.ShouldBe($"desktop:{DesktopSamples.DeskId}");
        entry.Succeeded.ShouldBeTrue();
        entry.Detail.ShouldBe("CheckedOut → Revoked, epoch 2 → 3");
    }

    [Fact]
    public void ForTransition_RefusedEvent_RecordsTheReason()
    {
        // Arrange
        var before = DesktopSamples.InState(DesktopState.Available);
        var @event = new CheckInRequested(before.Epoch);
        var result = DesktopStateMachine.Apply(before, @event);

        // Act
        var entry = AuditEvent.ForTransition(Guid.NewGuid(), DesktopSamples.Start, "alice", before, @event, result);

        // Assert
        entry.Succeeded.ShouldBeFalse();
        entry.Detail.ShouldBe("CheckInRequested does not apply to a desktop that is Available.");
    }
}
