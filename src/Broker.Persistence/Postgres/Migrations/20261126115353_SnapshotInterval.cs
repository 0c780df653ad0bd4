using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Broker.Persistence.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class SnapshotInterval : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<TimeSpan>(
                name: "Offline_SnapshotInterval",
                table: "Pools",
                type: "interval",
                nullable: false,
                // Existing pools get the domain's default interval (RetentionPolicy.DefaultSnapshotInterval).
                defaultValue: new TimeSpan(1, 0, 0));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Offline_SnapshotInterval",
                table: "Pools");
        }
    }
}
