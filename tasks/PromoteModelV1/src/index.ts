import { runAzureDevOpsTask } from '../../../shared/src/hosts/azure-devops';
import { promoteModelStep } from '../../../shared/src/steps/promote-model/definition';

void runAzureDevOpsTask(promoteModelStep);
