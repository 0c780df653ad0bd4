using Broker.HostAgent.Broker;

namespace Broker.HostAgent.Tests.Broker;

public sealed class WireLayerIdsTests
{
    [Theory]
    [InlineData(1L)]
    [InlineData(42L)]
    [InlineData(long.MaxValue)]
    public void ToWire_ThenFromWire_GivesTheLayerBack(long layer)
    {
        var wire = WireLayerIds.ToWire(layer);

        Guid.TryParse(wire, out _).ShouldBeTrue();
        WireLayerIds.TryFromWire(wire, out var back).ShouldBeTrue();
        back.ShouldBe(layer);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-uuid")]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    public void TryFromWire_AnyOtherText_IsRefused(string text)
    {
        WireLayerIds.TryFromWire(text, out _).ShouldBeFalse();
    }
}
