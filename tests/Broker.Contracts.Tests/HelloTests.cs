using Broker.Contracts.V1;
using Google.Protobuf;

namespace Broker.Contracts.Tests;

public sealed class HelloTests
{
    [Fact]
    public void Hello_RoundTripsThroughTheWireFormat()
    {
        var hello = new Hello { CapabilityVersion = ContractVersion.Capability, AgentVersion = "broker-host 0.1.0" };

        var parsed = Hello.Parser.ParseFrom(hello.ToByteArray());

        parsed.ShouldBe(hello);
        parsed.CapabilityVersion.ShouldBe(ContractVersion.Capability);
    }

    [Fact]
    public void Hello_FromTruncatedBytes_IsRejected()
    {
        var bytes = new Hello { AgentVersion = "broker-client 0.1.0" }.ToByteArray();

        Should.Throw<InvalidProtocolBufferException>(() => Hello.Parser.ParseFrom(bytes.AsSpan(0, bytes.Length - 3).ToArray()));
    }
}
