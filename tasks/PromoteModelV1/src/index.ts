import { runAzureDevOpsTask } from '../../../shared/src/hosts/azure-devops';
import { promoteModelStep } from '../../../shared/src/steps/promote-model';

void runAzureDevOpsTask(promoteModelStep);
