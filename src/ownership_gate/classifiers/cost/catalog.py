"""Which resources cost money and which attributes drive their price.

Derived from Infracost's Terraform resource registry (the resource types it
prices, less those whose price depends only on usage, such as buckets,
queues and functions, and the attributes its price lookups read) and from
the CloudFormation equivalents of the same resources.
"""

from __future__ import annotations

# Terraform attributes, by leaf name, and how their values compare
# (see cost_model.ROLES). `count` is handled per resource: it only matters
# on a priced one.
TF_ATTRIBUTES: dict[str, str] = {
    **dict.fromkeys((
        "desired_size", "min_size", "max_size", "desired_capacity", "node_count",
        "min_node_count", "max_node_count", "initial_node_count", "total_min_node_count",
        "total_max_node_count", "desired_count", "instance_count", "target_size",
        "target_instance_count", "number_of_nodes", "number_of_broker_nodes",
        "num_cache_nodes", "num_cache_clusters", "number_cache_clusters", "num_node_groups",
        "replicas_per_node_group", "replicas_per_shard", "replica_count", "read_replica_count",
        "replicas", "shard_count", "num_shards", "min_count", "max_count", "worker_count",
        "number_of_workers", "min_capacity", "max_capacity", "min_instance_count",
        "max_instance_count", "min_instances", "max_instances", "dedicated_master_count",
        "warm_count", "local_ssd_count", "gpu_count", "accelerator_count", "capacity",
        "provisioned_concurrent_executions", "read_capacity", "write_capacity",
    ), "count"),
    **dict.fromkeys((
        "allocated_storage", "max_allocated_storage", "storage_capacity", "volume_size",
        "disk_size", "disk_size_gb", "os_disk_size_gb", "ebs_volume_size", "root_volume_size",
        "storage_mb", "storage_gb", "storage_tb", "storage_size_gb", "storage_size_in_gb",
        "max_size_gb", "size_gb", "iops", "provisioned_iops", "disk_iops_read_write",
        "disk_mbps_read_write", "throughput", "provisioned_throughput_in_mibps",
        "throughput_capacity", "memory_size", "memory_size_gb", "memory_size_mb",
        "available_memory_mb", "available_memory", "memory", "cpu", "vcpu", "vcores",
        "cpu_count", "core_count", "max_throughput", "dtu", "ephemeral_storage_size", "storage",
    ), "amount"),
    **dict.fromkeys((
        "instance_type", "instance_types", "instance_class", "node_type", "machine_type",
        "vm_size", "node_vm_size", "node_size", "host_instance_type", "replication_instance_class",
        "dedicated_master_type", "warm_type", "worker_type", "environment_class", "sku",
        "sku_name", "sku_tier", "tier", "size", "accelerator_type", "cache_node_type",
        "db_instance_class", "broker_instance_type",
    ), "size"),
    **dict.fromkeys(("multi_az", "zone_redundant", "geo_redundant_backup_enabled"), "flag"),
    **dict.fromkeys((
        "capacity_type", "billing_mode", "storage_type", "volume_type", "disk_type",
        "availability_type", "account_replication_type", "storage_account_type",
        "license_model", "edition", "deployment_option",
    ), "choice"),
}

# Names distinctive enough to recognise at the end of a variable, local or
# tfvars name (`eks_node_instance_type`, `web_desired_count`). Short generic
# words (`size`, `count`, `tier`, `memory`) only count as the whole name.
TF_NAME_SUFFIXES: tuple[str, ...] = tuple(
    name for name, role in TF_ATTRIBUTES.items()
    if role != "choice" and "_" in name and name != "cpu_count"
)

TF_PRICED: frozenset[str] = frozenset((
    # AWS
    "aws_instance", "aws_spot_instance_request", "aws_ec2_host", "aws_autoscaling_group",
    "aws_eks_cluster", "aws_eks_node_group", "aws_eks_fargate_profile", "aws_ecs_service",
    "aws_db_instance", "aws_rds_cluster", "aws_rds_cluster_instance", "aws_docdb_cluster_instance",
    "aws_neptune_cluster_instance", "aws_elasticache_cluster", "aws_elasticache_replication_group",
    "aws_memorydb_cluster", "aws_elasticsearch_domain", "aws_opensearch_domain", "aws_msk_cluster",
    "aws_mq_broker", "aws_redshift_cluster", "aws_dms_replication_instance", "aws_nat_gateway",
    "aws_lb", "aws_alb", "aws_elb", "aws_eip", "aws_ebs_volume", "aws_efs_file_system",
    "aws_fsx_windows_file_system", "aws_fsx_openzfs_file_system", "aws_fsx_lustre_file_system",
    "aws_vpc_endpoint", "aws_vpn_connection", "aws_ec2_client_vpn_endpoint",
    "aws_ec2_client_vpn_network_association", "aws_ec2_transit_gateway_vpc_attachment",
    "aws_ec2_transit_gateway_peering_attachment", "aws_dx_connection",
    "aws_globalaccelerator_accelerator", "aws_networkfirewall_firewall",
    "aws_route53_resolver_endpoint", "aws_cloudhsm_v2_hsm", "aws_directory_service_directory",
    "aws_lambda_provisioned_concurrency_config", "aws_kinesis_stream", "aws_mwaa_environment",
    "aws_elastic_beanstalk_environment", "aws_lightsail_instance", "aws_transfer_server",
    "aws_acmpca_certificate_authority", "aws_grafana_workspace", "aws_kinesisanalyticsv2_application",
    "aws_sagemaker_endpoint", "aws_emr_cluster",
    # Google Cloud
    "google_compute_instance", "google_compute_instance_group_manager",
    "google_compute_region_instance_group_manager", "google_compute_disk",
    "google_compute_region_disk", "google_compute_address", "google_compute_global_address",
    "google_compute_forwarding_rule", "google_compute_global_forwarding_rule",
    "google_compute_router_nat", "google_compute_vpn_tunnel", "google_container_cluster",
    "google_container_node_pool", "google_sql_database_instance", "google_redis_instance",
    "google_redis_cluster", "google_alloydb_instance", "google_filestore_instance",
    # Azure
    "azurerm_linux_virtual_machine", "azurerm_windows_virtual_machine", "azurerm_virtual_machine",
    "azurerm_linux_virtual_machine_scale_set", "azurerm_windows_virtual_machine_scale_set",
    "azurerm_virtual_machine_scale_set", "azurerm_kubernetes_cluster",
    "azurerm_kubernetes_cluster_node_pool", "azurerm_managed_disk", "azurerm_app_service_plan",
    "azurerm_service_plan", "azurerm_app_service_environment", "azurerm_application_gateway",
    "azurerm_firewall", "azurerm_bastion_host", "azurerm_nat_gateway", "azurerm_public_ip",
    "azurerm_public_ip_prefix", "azurerm_lb", "azurerm_virtual_network_gateway",
    "azurerm_vpn_gateway", "azurerm_express_route_gateway", "azurerm_point_to_site_vpn_gateway",
    "azurerm_mssql_database", "azurerm_mssql_elasticpool", "azurerm_mssql_managed_instance",
    "azurerm_sql_database", "azurerm_sql_elasticpool", "azurerm_sql_managed_instance",
    "azurerm_mysql_server", "azurerm_mysql_flexible_server", "azurerm_postgresql_server",
    "azurerm_postgresql_flexible_server", "azurerm_mariadb_server", "azurerm_redis_cache",
    "azurerm_managed_redis", "azurerm_api_management", "azurerm_container_registry",
    "azurerm_hdinsight_hadoop_cluster", "azurerm_hdinsight_hbase_cluster",
    "azurerm_hdinsight_interactive_query_cluster", "azurerm_hdinsight_kafka_cluster",
    "azurerm_hdinsight_spark_cluster", "azurerm_synapse_sql_pool", "azurerm_synapse_spark_pool",
    "azurerm_search_service", "azurerm_signalr_service", "azurerm_eventhub_namespace",
    "azurerm_servicebus_namespace", "azurerm_frontdoor", "azurerm_integration_service_environment",
    "azurerm_machine_learning_compute_cluster", "azurerm_machine_learning_compute_instance",
    "azurerm_powerbi_embedded", "azurerm_key_vault_managed_hardware_security_module",
    "azurerm_network_ddos_protection_plan", "azurerm_private_endpoint", "azurerm_virtual_hub",
    "azurerm_iothub", "azurerm_notification_hub_namespace",
    "azurerm_data_factory_integration_runtime_azure_ssis", "azurerm_cosmosdb_account",
))

# CloudFormation properties, by name.
CFN_PROPERTIES: dict[str, str] = {
    **dict.fromkeys((
        "MinSize", "MaxSize", "DesiredCapacity", "DesiredCount", "DesiredSize", "NumCacheNodes",
        "NumCacheClusters", "ReplicasPerNodeGroup", "NumNodeGroups", "InstanceCount", "ShardCount",
        "NumberOfNodes", "NumberOfBrokerNodes", "DedicatedMasterCount", "MinCapacity", "MaxCapacity",
        "ProvisionedConcurrentExecutions", "ReadCapacityUnits", "WriteCapacityUnits",
    ), "count"),
    **dict.fromkeys((
        "AllocatedStorage", "MaxAllocatedStorage", "Iops", "StorageThroughput", "Throughput",
        "VolumeSize", "Size", "MemorySize", "StorageCapacity", "ThroughputCapacity", "Cpu",
        "Memory", "DiskSize", "ProvisionedThroughputInMibps",
    ), "amount"),
    **dict.fromkeys((
        "InstanceType", "InstanceTypes", "DBInstanceClass", "CacheNodeType", "NodeType",
        "HostInstanceType", "ReplicationInstanceClass", "DedicatedMasterType",
    ), "size"),
    **dict.fromkeys(("MultiAZ", "MultiAZEnabled"), "flag"),
    **dict.fromkeys(("StorageType", "VolumeType", "CapacityType", "BillingMode"), "choice"),
}

CFN_PRICED: frozenset[str] = frozenset((
    "AWS::EC2::Instance", "AWS::EC2::Host", "AWS::EC2::NatGateway", "AWS::EC2::EIP",
    "AWS::EC2::Volume", "AWS::EC2::VPCEndpoint", "AWS::EC2::TransitGatewayAttachment",
    "AWS::EC2::ClientVpnEndpoint", "AWS::EC2::VPNConnection", "AWS::AutoScaling::AutoScalingGroup",
    "AWS::RDS::DBInstance", "AWS::RDS::DBCluster", "AWS::DocDB::DBInstance",
    "AWS::Neptune::DBInstance", "AWS::ElastiCache::CacheCluster",
    "AWS::ElastiCache::ReplicationGroup", "AWS::MemoryDB::Cluster", "AWS::Elasticsearch::Domain",
    "AWS::OpenSearchService::Domain", "AWS::MSK::Cluster", "AWS::AmazonMQ::Broker",
    "AWS::Redshift::Cluster", "AWS::DMS::ReplicationInstance",
    "AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ElasticLoadBalancing::LoadBalancer",
    "AWS::EKS::Cluster", "AWS::EKS::Nodegroup", "AWS::ECS::Service", "AWS::EFS::FileSystem",
    "AWS::FSx::FileSystem", "AWS::NetworkFirewall::Firewall", "AWS::GlobalAccelerator::Accelerator",
    "AWS::Route53Resolver::ResolverEndpoint", "AWS::DirectoryService::MicrosoftAD",
    "AWS::EMR::Cluster", "AWS::SageMaker::Endpoint", "AWS::Kinesis::Stream",
    "AWS::ACMPCA::CertificateAuthority", "AWS::MWAA::Environment",
    "AWS::ElasticBeanstalk::Environment", "AWS::Lightsail::Instance", "AWS::Transfer::Server",
))
