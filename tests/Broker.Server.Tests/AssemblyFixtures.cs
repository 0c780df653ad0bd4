using Broker.Testing.Databases;

[assembly: AssemblyFixture(typeof(PostgresCluster))]
